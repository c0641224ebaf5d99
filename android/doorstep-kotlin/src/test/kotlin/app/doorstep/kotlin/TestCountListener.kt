package app.doorstep.kotlin

import java.util.concurrent.atomic.AtomicInteger
import org.junit.platform.engine.TestExecutionResult
import org.junit.platform.launcher.TestExecutionListener
import org.junit.platform.launcher.TestIdentifier
import org.junit.platform.launcher.TestPlan

/**
 * Prints `doorstep-kotlin: N passed, N failed` when the tests finish, so the count shows even
 * under `mvn -q` (which hides Surefire's own "Tests run:" summary when everything passes).
 * Registered in META-INF/services.
 */
class TestCountListener : TestExecutionListener {
    private val passed = AtomicInteger()
    private val failed = AtomicInteger()
    private val skipped = AtomicInteger()

    override fun executionSkipped(testIdentifier: TestIdentifier, reason: String?) {
        if (testIdentifier.isTest) skipped.incrementAndGet()
    }

    override fun executionFinished(testIdentifier: TestIdentifier, result: TestExecutionResult) {
        if (!testIdentifier.isTest) return
        if (result.status == TestExecutionResult.Status.SUCCESSFUL) passed.incrementAndGet() else failed.incrementAndGet()
    }

    override fun testPlanExecutionFinished(testPlan: TestPlan) {
        val skip = skipped.get().let { if (it > 0) ", $it skipped" else "" }
        System.out.println("doorstep-kotlin: ${passed.get()} passed, ${failed.get()} failed$skip")
        System.out.flush()
    }
}
