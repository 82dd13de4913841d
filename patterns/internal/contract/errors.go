package contract

import "fmt"

// Error types that == cannot compare: comparing two values of the same such
// type panics at run time. Validation errors are often like this (a map of
// field to error, a list of errors).
type (
	FieldErrors map[string]error
	ErrorList   []error
	Wrapped     struct{ Err error } // a comparable type holding an uncomparable value
)

func (e FieldErrors) Error() string { return fmt.Sprintf("invalid fields %v", map[string]error(e)) }
func (e ErrorList) Error() string   { return fmt.Sprintf("errors %v", []error(e)) }
func (e Wrapped) Error() string     { return "wrapped: " + e.Err.Error() }

// UncomparableErrors returns six errors, two of each type above, distinct by
// their text. An implementation that compares errors with == (to drop
// duplicates, say) panics on the second of a type, usually in a task's
// goroutine where no caller can recover it.
func UncomparableErrors() []error {
	a, b := fmt.Errorf("a"), fmt.Errorf("b")
	return []error{
		FieldErrors{"name": a}, FieldErrors{"age": b},
		ErrorList{a}, ErrorList{b},
		Wrapped{FieldErrors{"w": a}}, Wrapped{ErrorList{b, b}},
	}
}
