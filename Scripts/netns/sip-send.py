#!/usr/bin/env python3
"""Send SIP messages, unmodified, to a daemon and report what came back, as JSON.

Meant to run inside a network namespace with only loopback up (see run.sh next to this
file): the messages carry foreign addresses, and a correct daemon answers to them.

For each file: send it (UDP datagram, or TCP on a fresh connection), collect the responses
whose Call-ID matches for --timeout seconds, then probe with OPTIONS and record the probe's
status. UDP responses are received on 0.0.0.0 at every port a message's Via names (plus
5060), so answers routed to a Via sent-by come back too (run.sh makes every address local).

Output: {"target": ..., "results": [{"name", "transport", "statuses", "probe"}...],
         "final_options": status or null, "daemon_alive": bool or null}
Standard library only.
"""
import argparse
import json
import os
import re
import selectors
import socket
import sys
import time
import uuid

HEADER_END = re.compile(rb"\r?\n\r?\n")
CALL_ID = re.compile(rb"^(?:call-id|i)[ \t]*:[ \t]*(\S+)", re.I | re.M)
VIA_HOSTPORT = re.compile(rb"^(?:via|v)[ \t]*:[ \t]*SIP[ \t]*/[ \t]*2\.0[ \t]*/[ \t]*\w+[ \t]+(\[[^\]]*\]|[^\s;,:]+)(?::[ \t]*(\d+))?",
                          re.I | re.M)
STATUS = re.compile(rb"^SIP/2\.0 (\d{3})")


def head(data):
    m = HEADER_END.search(data)
    return data[: m.start()] if m else data


def call_id(data):
    m = CALL_ID.search(head(data))
    return m.group(1) if m else None


def via_ports(data):
    ports = set()
    for m in VIA_HOSTPORT.finditer(head(data)):
        if m.group(2):
            port = int(m.group(2))
            if 0 < port < 65536:
                ports.add(port)
    return ports


def options(target_host, target_port, local_port, transport, cid):
    return (f"OPTIONS sip:probe@{target_host}:{target_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/{transport} 127.0.0.1:{local_port};rport;branch=z9hG4bK{cid}\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:probe@127.0.0.1>;tag={cid[:8]}\r\n"
            f"To: <sip:probe@{target_host}>\r\n"
            f"Call-ID: {cid}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode()


class UDPSide:
    def __init__(self, target, ports):
        self.target = target
        self.selector = selectors.DefaultSelector()
        self.sockets = {}
        for port in sorted(ports | {5060}):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                s.close()
                continue
            s.setblocking(False)
            self.selector.register(s, selectors.EVENT_READ)
            self.sockets[port] = s
        self.sender = self.sockets.get(5060) or next(iter(self.sockets.values()))
        self.inbox = []  # (call-id, status) not yet claimed

    def pump(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for key, _ in self.selector.select(left):
                try:
                    data, _ = key.fileobj.recvfrom(65536)
                except OSError:
                    continue
                m = STATUS.match(data)
                if m:
                    self.inbox.append((call_id(data), int(m.group(1))))

    def collect(self, cid, seconds, stop_on_final=False):
        got = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pump(min(0.05, max(0.0, deadline - time.monotonic())))
            keep = []
            for c, status in self.inbox:
                if c == cid:
                    got.append(status)
                else:
                    keep.append((c, status))
            self.inbox = keep[-1000:]  # e.g. retransmitted finals of earlier, unacknowledged INVITEs
            if stop_on_final and any(s >= 200 for s in got):
                break
        return got

    def send(self, data):
        self.sender.sendto(data, self.target)

    def probe(self, seconds):
        cid = uuid.uuid4().hex
        port = self.sender.getsockname()[1]
        self.send(options(self.target[0], self.target[1], port, "UDP", cid))
        statuses = self.collect(cid.encode(), seconds, stop_on_final=True)
        finals = [s for s in statuses if s >= 200]
        return finals[0] if finals else None


def tcp_exchange(target, data, seconds, cid=None, stop_on_final=False):
    statuses = []
    try:
        with socket.create_connection(target, timeout=seconds) as s:
            s.sendall(data)
            buffer = b""
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                s.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                except OSError:
                    break
                if not chunk:
                    break
                buffer += chunk
                statuses = [int(m.group(1)) for m in re.finditer(rb"(?:^|\r\n)SIP/2\.0 (\d{3})", buffer)]
                if stop_on_final and any(x >= 200 for x in statuses):
                    break
    except OSError as error:
        return statuses, str(error)
    return statuses, None


def tcp_probe(target, seconds):
    cid = uuid.uuid4().hex
    statuses, _ = tcp_exchange(target, options(target[0], target[1], 5060, "TCP", cid), seconds, stop_on_final=True)
    finals = [s for s in statuses if s >= 200]
    return finals[0] if finals else None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", required=True, help="HOST:PORT of the daemon (UDP and TCP)")
    p.add_argument("--transport", choices=["udp", "tcp", "both"], default="both")
    p.add_argument("--timeout", type=float, default=1.0, help="seconds to collect answers per message")
    p.add_argument("--probe-timeout", type=float, default=3.0)
    p.add_argument("--daemon-pid", type=int)
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    host, _, port = a.target.rpartition(":")
    target = (host.strip("[]"), int(port))
    messages = []
    for path in a.files:
        with open(path, "rb") as f:
            messages.append((os.path.splitext(os.path.basename(path))[0], f.read()))
    results = []
    udp = None
    if a.transport in ("udp", "both"):
        ports = set()
        for _, data in messages:
            ports |= via_ports(data)
        udp = UDPSide(target, ports)
        for name, data in messages:
            udp.send(data)
            statuses = udp.collect(call_id(data), a.timeout, stop_on_final=True)
            results.append({"name": name, "transport": "udp", "statuses": statuses, "probe": udp.probe(a.probe_timeout)})
    if a.transport in ("tcp", "both"):
        for name, data in messages:
            statuses, error = tcp_exchange(target, data, a.timeout)
            entry = {"name": name, "transport": "tcp", "statuses": statuses, "probe": tcp_probe(target, a.probe_timeout)}
            if error:
                entry["error"] = error
            results.append(entry)
    final = udp.probe(a.probe_timeout) if udp else tcp_probe(target, a.probe_timeout)
    alive = None
    if a.daemon_pid:
        try:
            os.kill(a.daemon_pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        except PermissionError:
            alive = True
    json.dump({"target": a.target, "results": results, "final_options": final, "daemon_alive": alive}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
