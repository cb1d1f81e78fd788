package capture

import "fmt"

// Error is a problem with a capture, or with a flag about one, kept as its English
// format and arguments (the way view.Msgf keys its catalog) so that the view can say
// it in the reader's language. Its Error is the English.
type Error struct {
	Format string
	Args   []any
}

// problemf is an *Error; an argument that is an error is written with %v and can be
// found by errors.Is and errors.As.
func problemf(format string, args ...any) error { return &Error{Format: format, Args: args} }

// Error implements error, in English.
func (e *Error) Error() string { return fmt.Sprintf(e.Format, e.Args...) }

// Unwrap is the arguments that are errors.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, a := range e.Args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}
