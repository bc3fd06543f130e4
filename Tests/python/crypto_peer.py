"""Reference implementations the Swift tests compare against: argon2-cffi, PyNaCl and pyotp.

Usage: crypto_peer.py <command> [arguments]; binary values are hex. Exit 0 on success, 1 on a failed
verification or decryption, 2 on bad usage.
"""
import sys


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "argon2-hash":
        from argon2 import PasswordHasher, Type
        password, m, t, p = args[0], int(args[1]), int(args[2]), int(args[3])
        print(PasswordHasher(time_cost=t, memory_cost=m, parallelism=p, hash_len=32, salt_len=16, type=Type.ID).hash(password))
        return 0
    if command == "argon2-verify":
        from argon2 import PasswordHasher
        from argon2.exceptions import VerifyMismatchError, VerificationError, InvalidHashError
        encoded, password = args
        try:
            PasswordHasher().verify(encoded, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            print("mismatch")
            return 1
        print("ok")
        return 0
    if command in ("aead-encrypt", "aead-decrypt"):
        from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt, crypto_aead_xchacha20poly1305_ietf_decrypt
        from nacl.exceptions import CryptoError
        key, nonce, aad, data = (bytes.fromhex(a) for a in args)
        if command == "aead-encrypt":
            print(crypto_aead_xchacha20poly1305_ietf_encrypt(data, aad, nonce, key).hex())
            return 0
        try:
            print(crypto_aead_xchacha20poly1305_ietf_decrypt(data, aad, nonce, key).hex())
        except CryptoError:
            print("failed")
            return 1
        return 0
    if command == "totp-at":
        import pyotp
        secret, when = args[0], int(args[1])
        print(pyotp.TOTP(secret).at(when))
        return 0
    print("unknown command", command, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
