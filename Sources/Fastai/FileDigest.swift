import CCrypto
import Foundation

/// SHA-256 of a file through OpenSSL's libcrypto (the only file that imports `CCrypto`): the hash
/// torchvision's download check uses.
public enum FileDigest {
    /// The lowercase hex SHA-256 of the file's bytes, read in 4 MB pieces.
    public static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        guard let context = EVP_MD_CTX_new() else { throw FastaiError("cannot hash \(url.path): OpenSSL has no memory") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw FastaiError("cannot hash \(url.path): no SHA-256 in OpenSSL") }
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            let ok = chunk.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
            guard ok == 1 else { throw FastaiError("cannot hash \(url.path)") }
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else { throw FastaiError("cannot hash \(url.path)") }
        return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}
