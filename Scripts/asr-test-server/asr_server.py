#!/usr/bin/env python3
"""A small speech recognition server speaking the Vosk server WebSocket protocol, for
Parley's network-engine tests. Recognition is done by the PyPI pocketsphinx package,
which ships its own en-us model.

Protocol (as vosk-server's asr_server.py):
  client → {"config": {"sample_rate": 16000, "words": 1, "phrase_list": [...]}}  (optional)
  client → binary frames: 16-bit little-endian mono PCM at the configured rate
  server → {"partial": "..."} after each binary frame
  client → {"eof" : 1}
  server → {"result": [{"word", "start", "end", "conf"}...], "text": "..."}, then closes.

Usage: asr_server.py [--host 127.0.0.1] [--port 0] [--tls-cert PEM --tls-key PEM] [--stall]
Prints "READY <port>" on stdout once listening (port 0 picks a free one).
  --tls-cert/--tls-key  serve wss:// (TLS 1.2 or later) with this certificate chain and key
  --stall               accept TCP connections and never answer (a server that hangs in
                        the TLS or WebSocket handshake)
"""
import argparse
import asyncio
import json
import re
import ssl
import sys

import websockets
from pocketsphinx import Decoder

FRAME_SECONDS = 0.01


def jsgf_for(phrases):
    words = []
    for phrase in phrases:
        cleaned = " ".join(re.findall(r"[a-z0-9']+", phrase.lower()))
        if cleaned:
            words.append("( " + cleaned + " )")
    if not words:
        return None
    return "#JSGF V1.0;\ngrammar client;\npublic <utterance> = " + " | ".join(words) + ";\n"


class Pooled:
    """A decoder with the name of its default (language model) search and its grammars."""

    def __init__(self, decoder, default_search):
        self.decoder = decoder
        self.default_search = default_search
        self.grammars = {}


class DecoderPool:
    """Decoders keyed by sample rate, loaded ahead (model loading takes about a second,
    which a client would otherwise see as a slow first answer). Each decoder keeps one
    search per grammar it has seen."""

    def __init__(self):
        self.idle = {}

    def prewarm(self, sample_rate):
        self.put(sample_rate, self._new(sample_rate))

    def _new(self, sample_rate):
        decoder = Decoder(samprate=sample_rate, loglevel="FATAL")
        return Pooled(decoder, decoder.current_search())

    def get(self, sample_rate, phrases):
        idle = self.idle.setdefault(sample_rate, [])
        pooled = idle.pop() if idle else self._new(sample_rate)
        grammar = jsgf_for(phrases) if phrases else None
        name = pooled.default_search
        if grammar:
            name = pooled.grammars.get(grammar)
            if name is None:
                candidate = "g%d" % len(pooled.grammars)
                try:
                    pooled.decoder.add_jsgf_string(candidate, grammar)
                    name = candidate
                except Exception:  # unknown words: fall back to the language model
                    name = pooled.default_search
                pooled.grammars[grammar] = name
        pooled.decoder.activate_search(name)
        return pooled

    def put(self, sample_rate, decoder):
        self.idle.setdefault(sample_rate, []).append(decoder)


POOL = DecoderPool()


class Recognizer:
    """Partials from a streaming decoder; the final result from decoding the whole
    utterance at once (pocketsphinx's batch normalization is more reliable on short
    utterances than its live one)."""

    def __init__(self, sample_rate, phrases):
        self.sample_rate = sample_rate
        self.pooled = POOL.get(sample_rate, phrases)
        self.decoder = self.pooled.decoder
        self.decoder.start_utt()
        self.audio = bytearray()

    def accept(self, pcm):
        self.audio.extend(pcm)
        self.decoder.process_raw(pcm, False, False)
        hyp = self.decoder.hyp()
        return {"partial": hyp.hypstr if hyp else ""}

    def finish(self):
        self.decoder.end_utt()
        self.decoder.start_utt()
        self.decoder.process_raw(bytes(self.audio), False, True)
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        words = []
        for seg in self.decoder.seg():
            if seg.word.startswith("<") or seg.word.startswith("["):
                continue
            words.append({
                "word": re.sub(r"\(\d+\)$", "", seg.word),
                "start": round(seg.start_frame * FRAME_SECONDS, 3),
                "end": round((seg.end_frame + 1) * FRAME_SECONDS, 3),
                "conf": 1.0,
            })
        POOL.put(self.sample_rate, self.pooled)
        return {"result": words, "text": hyp.hypstr if hyp else ""}


async def serve_connection(websocket):
    sample_rate = 16000
    phrases = None
    recognizer = None
    async for message in websocket:
        if isinstance(message, str):
            request = json.loads(message)
            if "config" in request:
                config = request["config"]
                sample_rate = int(config.get("sample_rate", sample_rate))
                phrases = config.get("phrase_list")
                continue
            if request.get("eof"):
                if recognizer is None:
                    recognizer = Recognizer(sample_rate, phrases)
                await websocket.send(json.dumps(recognizer.finish()))
                await websocket.close()
                return
            continue
        if recognizer is None:
            recognizer = Recognizer(sample_rate, phrases)
        await websocket.send(json.dumps(recognizer.accept(message)))


def tls_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


async def stall(reader, writer):
    """Holds the connection, reading and discarding, until the client gives up."""
    try:
        while await reader.read(65536):
            pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--stall", action="store_true")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.stall:
        server = await asyncio.start_server(stall, args.host, args.port)
        async with server:
            print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
            await asyncio.Future()
    context = tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    POOL.prewarm(16000)
    async with websockets.serve(serve_connection, args.host, args.port, max_size=2**22, ssl=context) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"READY {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
