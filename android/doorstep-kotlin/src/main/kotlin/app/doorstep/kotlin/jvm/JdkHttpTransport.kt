package app.doorstep.kotlin.jvm

import app.doorstep.ffi.HttpHeader
import app.doorstep.ffi.HttpRequest
import app.doorstep.ffi.HttpResponse
import app.doorstep.ffi.PlatformException
import app.doorstep.ffi.Transport
import java.io.IOException
import java.net.ConnectException
import java.net.InetAddress
import java.net.NoRouteToHostException
import java.net.URI
import java.net.UnknownHostException
import java.net.http.HttpClient
import java.net.http.HttpTimeoutException
import java.nio.channels.UnresolvedAddressException
import java.time.Duration
import javax.net.ssl.SSLException

/**
 * The core's [Transport] over `java.net.http.HttpClient`, for the desktop and the JVM tests (the
 * Android app brings OkHttp). Shipped in the `jvm` classifier jar of doorstep-kotlin only: the
 * main jar, which Android consumes, holds no `java.net.http` (Android has none, and R8 would fail
 * on it). Never follows a redirect (the core treats a 3xx as the server's
 * answer, so it can never be sent to another host), refuses plain `http://` beyond loopback, and
 * reports failures as the [PlatformException] the core understands: connection refused, DNS and
 * routing as [PlatformException.Unreachable], timeouts as [PlatformException.Timeout], TLS as
 * [PlatformException.Tls]. Neither URLs nor headers are ever logged or put in an exception (the
 * `authorization` header carries the device token).
 */
class JdkHttpTransport(
    /** Limit for each whole request, response included. */
    private val requestTimeout: Duration = Duration.ofSeconds(30),
    /** The client; the default connects within 10 s and never follows redirects. */
    private val client: HttpClient = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build(),
) : Transport {

    init {
        require(client.followRedirects() == HttpClient.Redirect.NEVER) {
            "the client must not follow redirects"
        }
    }

    override fun send(request: HttpRequest): HttpResponse {
        val uri = try {
            URI(request.url)
        } catch (_: Exception) {
            throw PlatformException.Failed("request URL is not valid")
        }
        checkScheme(uri)
        val body = if (request.method == "POST") {
            java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.body)
        } else {
            java.net.http.HttpRequest.BodyPublishers.noBody()
        }
        val builder = java.net.http.HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .method(request.method, body)
        for (h in request.headers) {
            // HttpClient sets these itself and refuses them from callers.
            if (h.name.lowercase() !in RESTRICTED) builder.header(h.name, h.value)
        }
        val response = try {
            client.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray())
        } catch (e: InterruptedException) {
            Thread.currentThread().interrupt()
            throw PlatformException.Failed("request was interrupted")
        } catch (e: IOException) {
            throw classify(e)
        } catch (e: UnresolvedAddressException) {
            throw PlatformException.Unreachable()
        }
        val headers = response.headers().map().flatMap { (name, values) ->
            values.map { HttpHeader(name.lowercase(), it) }
        }
        return HttpResponse(response.statusCode(), headers, response.body() ?: ByteArray(0))
    }

    private fun checkScheme(uri: URI) {
        when (uri.scheme?.lowercase()) {
            "https" -> Unit
            "http" -> {
                val host = uri.host ?: throw PlatformException.Failed("request URL has no host")
                val literal = host.trim('[', ']')
                val isIpLiteral = literal.contains(':') || literal.all { it.isDigit() || it == '.' }
                // Only literals are resolved here (no DNS lookup for a name).
                val loopback = host.equals("localhost", ignoreCase = true) ||
                    (isIpLiteral && runCatching { InetAddress.getByName(literal).isLoopbackAddress }.getOrDefault(false))
                if (!loopback) throw PlatformException.Tls()
            }
            else -> throw PlatformException.Failed("request URL scheme is not supported")
        }
    }

    private companion object {
        val RESTRICTED = setOf("connection", "content-length", "expect", "host", "upgrade")

        /** The platform failure for an I/O error, looking through its causes. */
        fun classify(e: IOException): PlatformException {
            var cause: Throwable? = e
            while (cause != null) {
                when (cause) {
                    is HttpTimeoutException -> return PlatformException.Timeout()
                    is java.net.SocketTimeoutException -> return PlatformException.Timeout()
                    is SSLException -> return PlatformException.Tls()
                    is ConnectException,
                    is UnknownHostException,
                    is NoRouteToHostException,
                    is UnresolvedAddressException -> return PlatformException.Unreachable()
                }
                cause = cause.cause
            }
            // Reset connections, truncated responses: the network failed us; the class name
            // only, since messages may quote the URL.
            return PlatformException.Failed("network error (${e.javaClass.simpleName})")
        }
    }
}
