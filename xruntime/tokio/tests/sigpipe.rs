//! A closed stdout ends the harness as it ends a Go program, by SIGPIPE,
//! not with a panic in println! (Rust ignores SIGPIPE unless told not to).

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

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
            "800", // 91 bytes a line, more than a pipe buffers (64 KiB): a write comes after the drop, however late
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    // A watchdog: a harness that went on writing into the closed pipe
    // would run all 800 rounds.
    let pid = child.id() as libc::pid_t;
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        // SAFETY: kill has no memory effects; at worst the pid is gone.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    });
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
