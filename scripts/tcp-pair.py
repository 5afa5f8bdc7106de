#!/usr/bin/env python3
"""scripts/tcp-pair.py - one side of the scheduled TCP transfers of scripts/sgd-share-calibrate.sh.

  tcp-pair.py recv PORT BYTES            accept one connection; per round receive BYTES, answer 1 byte
  tcp-pair.py send HOST PORT BYTES T0 PERIOD ROUNDS
                                         one persistent connection (as MPI keeps its own); round r sends
                                         BYTES at wall time T0 + r*PERIOD and prints "r seconds", the time
                                         from that start to the receiver's answer
Two senders given the same T0 start their transfers together; their end times give the sharing.
"""
import socket
import sys
import time


def main(a):
    if len(a) == 3 and a[0] == 'recv':
        port, n = int(a[1]), int(a[2])
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(('0.0.0.0', port))
        srv.listen(1)
        c, _ = srv.accept()
        buf = bytearray(1 << 20)
        while True:
            got = 0
            while got < n:
                k = c.recv_into(buf, min(len(buf), n - got))
                if not k:
                    return 0
                got += k
            c.sendall(b'k')
    if len(a) == 7 and a[0] == 'send':
        host, port, n, t0, period, rounds = a[1], int(a[2]), int(a[3]), float(a[4]), float(a[5]), int(a[6])
        c = socket.create_connection((host, port))
        data = b'x' * n
        for r in range(rounds):
            t = t0 + r * period
            time.sleep(max(0.0, t - time.time()))
            c.sendall(data)
            if c.recv(1) != b'k':
                print('tcp-pair: receiver closed the connection', file=sys.stderr)
                return 1
            print(r, '%.6f' % (time.time() - t), flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
