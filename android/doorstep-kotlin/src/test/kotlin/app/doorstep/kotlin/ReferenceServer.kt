package app.doorstep.kotlin

import java.io.File
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.TimeUnit

/**
 * The real reference sync server (`doorstep-server`, built by the pom) on a free loopback port,
 * with a SQLite database in [dir] sealed under a data key file beside it (mode 0600, made by
 * `admin init-key`). Administered through its own CLI, as an administrator would.
 */
class ReferenceServer private constructor(
    private val binary: String,
    private val dir: File,
) : AutoCloseable {
    private val db = File(dir, "server.db").path
    private val keyFile = File(dir, "server.key").path
    private var process: Process? = null

    /** The server's base URL, once [serve] has started it. */
    lateinit var url: String
        private set

    /** Runs `doorstep-server --db <db> --key-file <key> admin <args>`; returns its output, trimmed. */
    fun admin(vararg args: String): String {
        val p = ProcessBuilder(listOf(binary, "--db", db, "--key-file", keyFile, "admin") + args)
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start()
        val out = p.inputStream.bufferedReader().readText()
        val err = p.errorStream.bufferedReader().readText()
        check(p.waitFor(60, TimeUnit.SECONDS)) { "admin ${args.firstOrNull()} hung" }
        check(p.exitValue() == 0) { "admin ${args.firstOrNull()} failed (${p.exitValue()}): $err" }
        return out.trim()
    }

    /** Creates a team; returns its id. */
    fun addTeam(name: String): String = admin("add-team", name)

    /** Creates a practitioner; returns their id. [agency] is a code such as `health_visiting`. */
    fun addPractitioner(team: String, name: String, agency: String): String =
        admin("add-practitioner", "--team", team, "--name", name, "--agency", agency)

    /** Issues a one-time enrolment code for a practitioner's new device. */
    fun enrolCode(practitioner: String): String = admin("enrol-code", "--practitioner", practitioner)

    /** Starts serving on a free loopback port and waits until it accepts connections. */
    fun serve(): ReferenceServer {
        val port = ServerSocket(0).use { it.localPort }
        val log = File(dir, "server.log")
        val p = ProcessBuilder(binary, "--db", db, "--key-file", keyFile, "serve", "--listen", "127.0.0.1:$port")
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start()
        process = p
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300)
        while (true) {
            check(p.isAlive) { "the server exited (${p.exitValue()}): ${log.readText()}" }
            val up = runCatching {
                Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 200) }
            }.isSuccess
            if (up) break
            check(System.nanoTime() < deadline) { "the server did not start: ${log.readText()}" }
            Thread.sleep(50)
        }
        url = "http://127.0.0.1:$port"
        return this
    }

    override fun close() {
        process?.let {
            it.destroy()
            if (!it.waitFor(10, TimeUnit.SECONDS)) it.destroyForcibly().waitFor()
        }
    }

    companion object {
        /** A server (not yet serving) whose database lives in [dir]. */
        fun inDir(dir: File): ReferenceServer {
            val binary = System.getProperty("doorstep.server.binary")
                ?: error("set -Ddoorstep.server.binary (the pom does)")
            check(File(binary).canExecute()) { "no server binary at $binary: cargo build -p doorstep-server" }
            val server = ReferenceServer(binary, dir)
            if (!File(dir, "server.key").exists()) server.admin("init-key")
            return server
        }

        /**
         * A server in [dir] with one practitioner of the North Team and [devices] enrolment codes
         * for them, serving.
         */
        fun servingOnePractitioner(dir: File, devices: Int): Pair<ReferenceServer, List<String>> {
            val server = inDir(dir.apply { mkdirs() })
            val team = server.addTeam("North Team")
            val practitioner = server.addPractitioner(team, "Test Visitor", "health_visiting")
            val codes = List(devices) { server.enrolCode(practitioner) }
            return server.serve() to codes
        }
    }
}
