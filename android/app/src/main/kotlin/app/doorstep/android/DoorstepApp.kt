package app.doorstep.android

import android.app.Application
import androidx.lifecycle.ProcessLifecycleOwner
import app.doorstep.android.security.AutoLock

/**
 * The application: builds the [AppContainer], locks the store whenever the app leaves the screen,
 * and asks for a sync whenever the network comes back.
 */
class DoorstepApp : Application() {

    /** The app's objects. */
    lateinit var container: AppContainer
        private set

    override fun onCreate() {
        super.onCreate()
        container = AppContainer(this)
        ProcessLifecycleOwner.get().lifecycle.addObserver(
            AutoLock(container::toBackground),
        )
        container.syncScheduler.syncOnNetworkReturn()
    }
}
