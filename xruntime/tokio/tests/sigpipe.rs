//! A closed stdout ends the harness as it ends a Go program, by SIGPIPE,
//! not with a panic in println! (Rust ignores SIGPIPE unless told not to).

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

#[test]
fn closed_stdout_is_sigpipe() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_concbench-tokio"))
        .args([
            "-bench",
            "JoinAll/impl=tokiojoinall/n=10/task=tiny",
            "-benchtime",
            "1x",
            "-cpu",
            "1",
            "-count",
            "2000", // lines enough to fill a pipe's buffer, however late the drop below
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGPIPE),
        "status {:?}, stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}
