// The cluster tests start real processes on ports derived from the test process id, so
// they run one after another: every suite in this target is nested in this one.
import Testing

@Suite("Cluster front (Kamailio dispatcher)", .serialized)
struct ClusterSuite {}
