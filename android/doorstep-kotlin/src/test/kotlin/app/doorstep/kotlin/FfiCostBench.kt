package app.doorstep.kotlin

import app.doorstep.ffi.Agency
import app.doorstep.ffi.CaseInput
import app.doorstep.ffi.DoorstepStore
import app.doorstep.ffi.FfiConverterTypeTodayView
import app.doorstep.ffi.HouseholdInput
import app.doorstep.ffi.PersonInput
import app.doorstep.ffi.PersonRole
import app.doorstep.ffi.PlanType
import app.doorstep.ffi.PractitionerInput
import app.doorstep.ffi.Rag
import app.doorstep.ffi.VisitInput
import app.doorstep.ffi.VisitKind
import java.io.File
import java.nio.ByteBuffer
import java.nio.file.Files
import kotlinx.coroutines.runBlocking

/**
 * FFI cost from Kotlin, the same calls on the same data as the Rust side
 * (`bindings/benches/ffi_cost.rs`): mean µs per call, after warm-up, of
 *  (a) `today()` with 500 visits on today's list (50 children, from 08:00 a minute apart), and
 *  (b) recording a visit (`planVisit` + `completeVisit`, an hour ago, children in turn),
 * through the generated bindings (JNA) on the real library; and (a) through the [Doorstep]
 * wrapper (a suspend call hopping to Dispatchers.IO and back) for the wrapper's own cost; and,
 * to isolate the FFI's share of (a): `isLocked()` (one round trip, a bool back), reading the
 * 500-visit view from its serialised bytes on the Kotlin side alone, and `visit(id)` (one line).
 * Run by `scripts/bench-ffi.sh`; not a Surefire test (excluded by name).
 *
 * Iterations: -Dbench.today (default 50, as the Rust side), -Dbench.record (default 200),
 * warm-up -Dbench.warmup (default 50: the JIT needs more than Rust's fifth). Prints
 * `kotlin <name>_us <mean>` (the Rust side's format) and a line with median and p95.
 */
object FfiCostBench {
    private val todayIterations = Integer.getInteger("bench.today", 50)
    private val recordIterations = Integer.getInteger("bench.record", 200)
    private val warmup = Integer.getInteger("bench.warmup", 50)

    private const val CHILDREN = 50
    private const val VISITS_TODAY = 500

    /** Warms up, times [n] calls of [block] and prints the lines for [name]. */
    private inline fun measure(name: String, n: Int, warmup: Int = this.warmup, block: (Int) -> Unit) {
        repeat(warmup) { block(it) }
        val times = LongArray(n)
        for (i in 0 until n) {
            val start = System.nanoTime()
            block(warmup + i)
            times[i] = System.nanoTime() - start
        }
        report(name, times, warmup)
    }

    private fun report(name: String, times: LongArray, warmup: Int) {
        val sorted = times.sorted()
        fun us(nanos: Double) = "%.1f".format(nanos / 1_000.0)
        println("kotlin ${name}_us ${us(times.average())}")
        println(
            "  ($name: median ${us(sorted[times.size / 2].toDouble())} us, " +
                "p95 ${us(sorted[(times.size * 95) / 100].toDouble())} us, n=${times.size}, warm-up $warmup)",
        )
    }

    /** The benchmark's data, as the Rust side builds it; returns the case ids. */
    private fun dataset(store: DoorstepStore): List<app.doorstep.ffi.CaseId> {
        val cases = (0 until CHILDREN).map { i ->
            val household = store.addHousehold(HouseholdInput("$i Bench Road", null, null))
            val child = store.addPerson(PersonInput(household, PersonRole.CHILD, "Bench Child $i", "2023-05-06", null, null))
            store.openCase(CaseInput(child, PlanType.CHILD_IN_NEED, Rag.AMBER, "bench"))
        }
        for (i in 0 until VISITS_TODAY) {
            store.planVisit(VisitInput(cases[i % CHILDREN], VisitKind.ANNOUNCED_HOME, Fixtures.todayAt(8, i), 30, null))
        }
        return cases
    }

    @JvmStatic
    fun main(args: Array<String>) {
        val dir = Files.createTempDirectory("doorstep-ffi-bench").toFile()
        try {
            run(File(dir, "bench"))
        } finally {
            dir.deleteRecursively()
        }
    }

    private fun run(dir: File) {
        val store = DoorstepStore.create(
            dir.path,
            PractitionerInput("Bench Practitioner", Agency.HEALTH_VISITING, null),
            "bench passphrase long enough".toByteArray(),
            null,
        )
        val cases = dataset(store)
        val listed = store.today().visits.size
        check(listed == VISITS_TODAY) { "today lists $listed visits" }
        println("kotlin setup: core ${Doorstep.coreVersion()}, today() lists $listed visits, ${cases.size} cases")

        measure("today_500", todayIterations) { store.today() }

        // What of (a) is the FFI's: the floor of one call (a bool back), and reading the
        // 500-visit view from its serialised bytes on the Kotlin side (what every today() call
        // does after Rust returns), compared with one visit's line.
        measure("is_locked", 20_000, warmup = 5_000) { store.isLocked() }
        val view = store.today()
        val bytes = ByteBuffer.allocateDirect(FfiConverterTypeTodayView.allocationSize(view).toInt())
        FfiConverterTypeTodayView.write(view, bytes)
        println("kotlin today_500_bytes ${bytes.position()}")
        measure("today_500_kotlin_read", todayIterations) {
            check(FfiConverterTypeTodayView.read(bytes.duplicate().position(0) as ByteBuffer).visits.size == VISITS_TODAY)
        }
        val oneVisit = view.visits.first().visitId
        measure("visit_line", 2_000, warmup = 500) { store.visit(oneVisit) }

        val wrapped = Doorstep.wrap(store)
        runBlocking {
            measure("today_500_via_wrapper", todayIterations) { wrapped.today() }
        }

        val answers = visitAnswers { childSeen = true; childSeenAlone = true; sleepingAreaSeen = true; othersPresentAnswered = true }
        val anHourAgo = System.currentTimeMillis() - 3_600_000
        measure("record_visit", recordIterations) { i ->
            val visit = store.planVisit(VisitInput(cases[i % CHILDREN], VisitKind.ANNOUNCED_HOME, anHourAgo, 30, null))
            store.completeVisit(visit, answers)
        }
        wrapped.close()
    }
}
