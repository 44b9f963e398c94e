#!/usr/bin/env python3
"""The terminal as a machine's serial console: connect to the emulator's
COM1 socket on localhost:PORT and relay both ways, the terminal in raw
mode (every key goes to the machine at once: Ctrl-A n switches Tern's
input between guests, Ctrl-C goes to the guest).  Ends when the machine
closes the socket (it powered off).  Usage: console.py PORT"""
import os
import select
import socket
import sys
import termios
import time
import tty


def connect(port, wait=60):
    end = time.time() + wait
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.1)


def main():
    sock = connect(int(sys.argv[1]))
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd) if os.isatty(fd) else None
    if saved:
        tty.setraw(fd)
    try:
        while True:
            ready, _, _ = select.select([sock, fd], [], [])
            if sock in ready:
                data = sock.recv(65536)
                if not data:
                    break
                # Raw mode: the terminal needs CR before LF.
                os.write(sys.stdout.fileno(), data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
            if fd in ready:
                data = os.read(fd, 1024)
                if not data:
                    break
                sock.sendall(data)
    finally:
        if saved:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sock.close()


if __name__ == "__main__":
    main()
