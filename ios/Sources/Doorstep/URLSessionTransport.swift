import DoorstepFFI
import Foundation

/// The core's `Transport` over URLSession: an ephemeral session (no cache, no cookies, no
/// credential store), TLS 1.2 or later, HTTPS only except plain http to loopback when
/// `allowLoopbackHTTP` (debug builds). Redirects are never followed: the core sees the 3xx as the
/// server's answer, so a request and its device token never reach another host. URLs and headers
/// are never logged or put in an error.
///
/// `send` is synchronous, as the core calls it on its own thread (never the main thread).
public final class URLSessionTransport: NSObject, Transport, URLSessionTaskDelegate, @unchecked Sendable {
    private let allowLoopbackHTTP: Bool
    private var session: URLSession!

    public init(allowLoopbackHTTP: Bool, timeout: TimeInterval = 30) {
        self.allowLoopbackHTTP = allowLoopbackHTTP
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        configuration.tlsMinimumSupportedProtocolVersion = .TLSv12
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 3
        configuration.waitsForConnectivity = false
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    public func send(request: HttpRequest) throws -> HttpResponse {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(), let host = url.host else {
            throw PlatformError.Failed(reason: "malformed URL")
        }
        let loopback = ["localhost", "127.0.0.1", "::1"].contains(host)
        guard scheme == "https" || (scheme == "http" && allowLoopbackHTTP && loopback) else {
            throw PlatformError.Failed(reason: "plain http is refused")
        }
        guard request.method == "GET" || request.method == "POST" else {
            throw PlatformError.Failed(reason: "unsupported method")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        if request.method == "POST" {
            urlRequest.httpBody = request.body
        }

        let done = DispatchSemaphore(value: 0)
        var outcome: Result<HttpResponse, PlatformError> = .failure(.Unexpected)
        let task = session.dataTask(with: urlRequest) { data, response, error in
            defer { done.signal() }
            if let error {
                outcome = .failure(Self.platformError(error))
                return
            }
            guard let http = response as? HTTPURLResponse else {
                outcome = .failure(.Failed(reason: "not an HTTP response"))
                return
            }
            let headers = http.allHeaderFields.compactMap { name, value -> HttpHeader? in
                guard let name = name as? String else { return nil }
                return HttpHeader(name: name, value: "\(value)")
            }
            outcome = .success(HttpResponse(status: UInt16(clamping: http.statusCode), headers: headers, body: data ?? Data()))
        }
        task.resume()
        done.wait()
        return try outcome.get()
    }

    /// Refuses every redirect: the 3xx itself goes back to the core.
    public func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    private static func platformError(_ error: Error) -> PlatformError {
        guard let urlError = error as? URLError else { return .Failed(reason: "network error") }
        switch urlError.code {
        case .timedOut:
            return .Timeout
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected,
             .clientCertificateRequired, .appTransportSecurityRequiresSecureConnection:
            return .Tls
        case .notConnectedToInternet, .cannotFindHost, .cannotConnectToHost, .networkConnectionLost,
             .dnsLookupFailed, .internationalRoamingOff, .dataNotAllowed, .callIsActive:
            return .Unreachable
        default:
            // The code only: a URLError's description can carry the URL.
            return .Failed(reason: "network error \(urlError.code.rawValue)")
        }
    }
}
