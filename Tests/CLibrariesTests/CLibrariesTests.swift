import Testing
import COpus
import CSndFile
import CPocketSphinx
import CYAML
import CSQLite
import CSpeexDSP

@Test func opusVersionIsReported() {
    let v = String(cString: opus_get_version_string())
    #expect(v.hasPrefix("libopus"))
}
