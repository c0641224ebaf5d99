package app.doorstep.kotlin

import app.doorstep.kotlin.jvm.JdkHttpTransport
import app.doorstep.ffi.HttpHeader
import app.doorstep.ffi.HttpRequest
import app.doorstep.ffi.PlatformException
import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.http.HttpClient
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** The JDK transport against real sockets: status and bodies pass through, failures are classified. */
class JdkHttpTransportTest {
    private lateinit var http: HttpServer
    private val otherHostHits = AtomicInteger()
    private lateinit var base: String

    @BeforeEach
    fun start() {
        http = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        http.createContext("/echo") { ex ->
            val body = ex.requestBody.readBytes()
            ex.responseHeaders.add("X-Seen-Auth", ex.requestHeaders.getFirst("Authorization") ?: "")
            ex.responseHeaders.add("X-Method", ex.requestMethod)
            ex.sendResponseHeaders(201, body.size.toLong().coerceAtLeast(1).let { if (body.isEmpty()) -1 else it })
            if (body.isNotEmpty()) ex.responseBody.write(body)
            ex.close()
        }
        http.createContext("/redirect") { ex ->
            ex.responseHeaders.add("Location", "$base/elsewhere")
            ex.sendResponseHeaders(302, -1)
            ex.close()
        }
        http.createContext("/elsewhere") { ex ->
            otherHostHits.incrementAndGet()
            ex.sendResponseHeaders(200, -1)
            ex.close()
        }
        http.start()
        base = "http://127.0.0.1:${http.address.port}"
    }

    @AfterEach
    fun stop() = http.stop(0)

    private fun request(url: String, method: String = "GET", body: ByteArray = ByteArray(0)) =
        HttpRequest(method, url, listOf(HttpHeader("authorization", "Bearer t0ken"), HttpHeader("content-type", "application/json")), body)

    @Test
    fun `status, headers and body pass through, header names in lower case`() {
        val r = JdkHttpTransport().send(request("$base/echo", "POST", """{"a":1}""".toByteArray()))
        assertEquals(201, r.status)
        assertEquals("""{"a":1}""", r.body.decodeToString())
        assertTrue(r.headers.contains(HttpHeader("x-seen-auth", "Bearer t0ken")), "headers ${r.headers}")
        assertTrue(r.headers.contains(HttpHeader("x-method", "POST")))
        assertTrue(r.headers.all { it.name == it.name.lowercase() })
    }

    @Test
    fun `a redirect is returned, never followed`() {
        val r = JdkHttpTransport().send(request("$base/redirect"))
        assertEquals(302, r.status)
        assertEquals(0, otherHostHits.get())
    }

    @Test
    fun `a refused connection is Unreachable`() {
        val port = ServerSocket(0).use { it.localPort }
        assertFailsWith<PlatformException.Unreachable> { JdkHttpTransport().send(request("http://127.0.0.1:$port/x")) }
    }

    @Test
    fun `a server that never answers is a Timeout`() {
        ServerSocket(0).use { silent ->
            val t = JdkHttpTransport(requestTimeout = Duration.ofMillis(300))
            assertFailsWith<PlatformException.Timeout> { t.send(request("http://127.0.0.1:${silent.localPort}/x")) }
        }
    }

    @Test
    fun `TLS to something that does not speak TLS is a Tls failure`() {
        ServerSocket(0).use { plain ->
            // Reads the whole TLS hello, answers in plain HTTP (as a misconfigured proxy would), then
            // waits for the client to hang up. Nothing here depends on speed: no sleeps, the answer
            // is in the stream before any close, the socket is never closed with the hello unread
            // (which would reset the connection instead), and the timeouts are far beyond any load.
            val answerer = Thread {
                runCatching {
                    plain.accept().use { s ->
                        val input = java.io.DataInputStream(s.getInputStream())
                        val header = ByteArray(5)
                        input.readFully(header)
                        val length = ((header[3].toInt() and 0xff) shl 8) or (header[4].toInt() and 0xff)
                        input.readFully(ByteArray(length))
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".toByteArray())
                        s.getOutputStream().flush()
                        while (input.read() >= 0) { /* until the client closes */ }
                    }
                }
            }.apply { isDaemon = true; start() }
            val patient = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMinutes(10))
                .build()
            val t = JdkHttpTransport(requestTimeout = Duration.ofMinutes(10), client = patient)
            assertFailsWith<PlatformException.Tls> { t.send(request("https://127.0.0.1:${plain.localPort}/x")) }
            answerer.join(600_000)
        }
    }

    @Test
    fun `plain http beyond this machine is refused before connecting`() {
        assertFailsWith<PlatformException.Tls> { JdkHttpTransport().send(request("http://doorstep.example/x")) }
        assertFailsWith<PlatformException.Failed> { JdkHttpTransport().send(request("ftp://127.0.0.1/x")) }
    }
}
