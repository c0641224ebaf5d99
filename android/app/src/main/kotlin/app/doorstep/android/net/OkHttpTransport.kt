package app.doorstep.android.net

import app.doorstep.ffi.HttpHeader
import app.doorstep.ffi.HttpRequest
import app.doorstep.ffi.HttpResponse
import app.doorstep.ffi.PlatformException
import app.doorstep.ffi.Transport
import java.io.IOException
import java.io.InterruptedIOException
import java.net.ConnectException
import java.net.NoRouteToHostException
import java.net.SocketTimeoutException
import java.net.UnknownHostException
import java.util.concurrent.TimeUnit
import javax.net.ssl.SSLException
import okhttp3.ConnectionSpec
import okhttp3.HttpUrl.Companion.toHttpUrlOrNull
import okhttp3.MediaType.Companion.toMediaType
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody.Companion.toRequestBody

/**
 * The core's [Transport] over OkHttp. HTTPS only, except plain http to loopback (or the
 * emulator's alias of the host, 10.0.2.2) when [allowLoopbackHttp] — debug builds only. Redirects
 * are never followed: the core sees the 3xx as the server's answer, so a request (and its
 * device token) can never be sent to another host. Nothing here logs a URL or a header.
 */
class OkHttpTransport(
    private val allowLoopbackHttp: Boolean,
    private val client: OkHttpClient = defaultClient(allowLoopbackHttp),
) : Transport {

    init {
        require(!client.followRedirects && !client.followSslRedirects) { "redirects must be off" }
    }

    override fun send(request: HttpRequest): HttpResponse {
        val url = request.url.toHttpUrlOrNull() ?: throw PlatformException.Failed("malformed URL")
        if (!url.isHttps && !(allowLoopbackHttp && url.host in LOOPBACK_HOSTS)) {
            throw PlatformException.Failed("plain http is refused")
        }
        val body = when (request.method) {
            "GET" -> null
            "POST" -> request.body.toRequestBody(JSON)
            else -> throw PlatformException.Failed("unsupported method")
        }
        val builder = Request.Builder().url(url).method(request.method, body)
        request.headers.forEach { builder.addHeader(it.name, it.value) }
        return try {
            client.newCall(builder.build()).execute().use { response ->
                HttpResponse(
                    status = response.code,
                    headers = response.headers.map { (name, value) -> HttpHeader(name, value) },
                    body = response.body.bytes(),
                )
            }
        } catch (e: SocketTimeoutException) {
            throw PlatformException.Timeout()
        } catch (e: InterruptedIOException) {
            throw PlatformException.Timeout() // OkHttp's call timeout
        } catch (e: SSLException) {
            throw PlatformException.Tls()
        } catch (e: UnknownHostException) {
            throw PlatformException.Unreachable()
        } catch (e: ConnectException) {
            throw PlatformException.Unreachable()
        } catch (e: NoRouteToHostException) {
            throw PlatformException.Unreachable()
        } catch (e: IOException) {
            // Connection reset, stream cut: a network fault, everything stays queued.
            throw PlatformException.Unreachable()
        }
    }

    private companion object {
        val JSON = "application/json".toMediaType()
        val LOOPBACK_HOSTS = setOf("localhost", "127.0.0.1", "::1", "10.0.2.2")

        fun defaultClient(allowLoopbackHttp: Boolean): OkHttpClient = OkHttpClient.Builder()
            .followRedirects(false)
            .followSslRedirects(false)
            .connectionSpecs(
                if (allowLoopbackHttp) {
                    listOf(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT)
                } else {
                    listOf(ConnectionSpec.MODERN_TLS)
                },
            )
            .connectTimeout(15, TimeUnit.SECONDS)
            .readTimeout(30, TimeUnit.SECONDS)
            .writeTimeout(30, TimeUnit.SECONDS)
            .callTimeout(90, TimeUnit.SECONDS)
            .retryOnConnectionFailure(false)
            .build()
    }
}
