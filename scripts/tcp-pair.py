#!/usr/bin/env python3
"""scripts/tcp-pair.py - one end of the timed TCP transfers of scripts/sgd-share-calibrate.sh and
scripts/sgd-netcpu.sh (run inside the test bed's network namespaces).

  tcp-pair.py recv PORT BYTES            accept one connection; per round receive BYTES, answer 1 byte
  tcp-pair.py send HOST PORT BYTES T0 PERIOD ROUNDS
                                         one persistent connection (as MPI keeps its own); round r sends
                                         BYTES at wall time T0 + r*PERIOD and prints "r seconds", the time
                                         from that start to the receiver's answer; two senders given the
                                         same T0 start together, and their end times show the sharing
  tcp-pair.py cpu HOST PORT BYTES        one transfer of BYTES to a receiver; prints "BYTES seconds busy idle":
                                         the machine's busy CPU seconds (all cores, /proc/stat: user, nice,
                                         system, irq, softirq) from the first byte to the receiver's answer,
                                         and over an idle period as long right after (the baseline)
"""
import os
import socket
import sys
import time


def busy_s():
    with open('/proc/stat') as f:
        v = f.readline().split()
    return (int(v[1]) + int(v[2]) + int(v[3]) + int(v[6]) + int(v[7])) / os.sysconf('SC_CLK_TCK')


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
    if len(a) == 4 and a[0] == 'cpu':
        host, port, n = a[1], int(a[2]), int(a[3])
        c = socket.create_connection((host, port))
        data = b'x' * n
        b0, t0 = busy_s(), time.time()
        c.sendall(data)
        if c.recv(1) != b'k':
            print('tcp-pair: receiver closed the connection', file=sys.stderr)
            return 1
        b1, t1 = busy_s(), time.time()
        time.sleep(t1 - t0)
        b2 = busy_s()
        print(n, '%.6f' % (t1 - t0), '%.4f' % (b1 - b0), '%.4f' % (b2 - b1), flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
