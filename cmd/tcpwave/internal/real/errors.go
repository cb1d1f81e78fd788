package real

import "github.com/tcpwave/tcpwave/view"

// errNeedRoot is returned when namespaces cannot be made: the caller says what is needed.
var errNeedRoot = view.Errorf("tcpwave real needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN, to create network namespaces")
