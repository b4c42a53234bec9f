import Testing

/// parleyd end to end: the built daemon, SIPp as the caller, a python test HTTP server as the
/// operator's CRM, the store read with the sqlite3 CLI, RTP captured on `lo` with dumpcap/tshark.
/// Serialized: each test drives real peers and waits on them synchronously.
@Suite(.serialized) enum ParleydEndToEnd {}
