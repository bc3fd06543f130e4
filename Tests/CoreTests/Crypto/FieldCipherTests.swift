import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("XChaCha20-Poly1305 field encryption")
struct FieldCipherTests {
    let tenant = TenantID(UUID())
    var key: TenantDataKey { TenantDataKey(tenant: tenant, version: 1, bytes: Array(repeating: 7, count: 32)) }

    func context(row: String = "row-1", column: String = "secret", tenant: TenantID? = nil) -> FieldContext {
        FieldContext(tenant: tenant ?? self.tenant, table: "mfa_factors", column: column, row: row)
    }

    @Test("our ciphertext decrypts with PyNaCl given the same key, additional data and nonce")
    func oursDecryptWithPyNaCl() async throws {
        let cipher = FieldCipher(key: key)
        let nonce = SecureRandom.bytes(24)
        let plaintext = Array("+4915112345678".utf8)
        let sealed = cipher.seal(plaintext, context: context(), nonce: nonce)
        let body = Array(sealed[(5 + 24)...])
        let opened = try await PythonPeer.run("aead-decrypt", [
            Hashing.hex(Array(repeating: 7, count: 32)), Hashing.hex(nonce), Hashing.hex(context().additionalData), Hashing.hex(body),
        ])
        #expect(opened.status == 0)
        #expect(opened.output == Hashing.hex(plaintext))
        let wrongAD = try await PythonPeer.run("aead-decrypt", [
            Hashing.hex(Array(repeating: 7, count: 32)), Hashing.hex(nonce), Hashing.hex(context(row: "row-2").additionalData), Hashing.hex(body),
        ])
        #expect(wrongAD.status == 1)
    }

    @Test("PyNaCl's ciphertext decrypts with ours")
    func pyNaClDecryptsWithOurs() async throws {
        let nonce = SecureRandom.bytes(24)
        let plaintext = Array("JBSWY3DPEHPK3PXP".utf8)
        let theirs = try await PythonPeer.run("aead-encrypt", [
            Hashing.hex(Array(repeating: 7, count: 32)), Hashing.hex(nonce), Hashing.hex(context().additionalData), Hashing.hex(plaintext),
        ])
        #expect(theirs.status == 0)
        let sealed: [UInt8] = [1, 0, 0, 0, 1] + nonce + (Hashing.bytes(hex: theirs.output) ?? [])
        #expect(try FieldCipher(key: key).open(sealed, context: context()) == plaintext)
    }

    @Test("a ciphertext moved to another row, column or tenant fails to decrypt")
    func movedCiphertextFails() throws {
        let cipher = FieldCipher(key: key)
        let sealed = cipher.seal(Array("secret".utf8), context: context())
        #expect(try cipher.open(sealed, context: context()) == Array("secret".utf8))
        #expect(throws: AEAD.AuthenticationFailure.self) { try cipher.open(sealed, context: context(row: "row-2")) }
        #expect(throws: AEAD.AuthenticationFailure.self) { try cipher.open(sealed, context: context(column: "other")) }
        let otherTenant = TenantID(UUID())
        let otherCipher = FieldCipher(key: TenantDataKey(tenant: otherTenant, version: 1, bytes: Array(repeating: 7, count: 32)))
        #expect(throws: AEAD.AuthenticationFailure.self) { try otherCipher.open(sealed, context: context(tenant: otherTenant)) }
        var flipped = sealed
        flipped[flipped.count - 1] ^= 1
        #expect(throws: AEAD.AuthenticationFailure.self) { try cipher.open(flipped, context: context()) }
    }

    @Test("data keys wrap under the master key, bound to tenant and version")
    func keyWrapping() throws {
        let master = MasterKey.generate()
        let wrapped = master.wrap(key)
        let unwrapped = try master.unwrap(wrapped, tenant: tenant, version: 1)
        let sealed = FieldCipher(key: unwrapped).seal(Array("x".utf8), context: context())
        #expect(try FieldCipher(key: key).open(sealed, context: context()) == Array("x".utf8))
        #expect(throws: AEAD.AuthenticationFailure.self) { try master.unwrap(wrapped, tenant: tenant, version: 2) }
        #expect(throws: AEAD.AuthenticationFailure.self) { try MasterKey.generate().unwrap(wrapped, tenant: tenant, version: 1) }
        #expect(MasterKey(base64: master.base64)?.id == master.id)
        #expect(!"\(master)".contains(master.base64))
    }

    @Test("blind indexes are deterministic per tenant and differ across tenants and purposes")
    func blindIndex() {
        let cipher = FieldCipher(key: key)
        let other = FieldCipher(key: TenantDataKey(tenant: TenantID(UUID()), version: 1, bytes: Array(repeating: 8, count: 32)))
        #expect(cipher.blindIndex("ana@example.com", purpose: "contacts.email") == cipher.blindIndex("ana@example.com", purpose: "contacts.email"))
        #expect(cipher.blindIndex("ana@example.com", purpose: "contacts.email") != cipher.blindIndex("ana@example.com", purpose: "contacts.phone"))
        #expect(cipher.blindIndex("ana@example.com", purpose: "contacts.email") != other.blindIndex("ana@example.com", purpose: "contacts.email"))
        #expect(cipher.blindIndex("ana@example.com", purpose: "contacts.email").count == 64)
    }
}
