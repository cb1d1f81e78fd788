import socket, struct, sys, time
role, mode = sys.argv[1], sys.argv[2]
if role == "server":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.13.0.2", 8080)); s.listen(1)
    c, _ = s.accept()
    c.recv(100); c.sendall(b"r" * 10)
    while c.recv(100):
        pass
    # EOF: the client closed.
    if mode == "four":
        time.sleep(0.3)
    elif mode == "three":
        pass
    elif mode == "abort":
        time.sleep(0.5)
    elif mode == "refin":
        time.sleep(0.6)
    c.close()
    time.sleep(0.5)
else:
    for i in range(50):
        c = socket.socket()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind(("10.13.0.1", 40013))
        try:
            c.connect(("10.13.0.2", 8080))
            break
        except ConnectionRefusedError:
            c.close(); time.sleep(0.1)
    c.sendall(b"q" * 10); c.recv(100)
    time.sleep(0.1)
    if mode == "abort":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    open("/tmp/tcpwave-closing", "w").write("1")
    time.sleep(0.1)
    c.close()
    time.sleep(1.5)
