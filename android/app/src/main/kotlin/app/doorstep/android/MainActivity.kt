package app.doorstep.android

import android.Manifest
import android.content.pm.PackageManager
import android.os.Build
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.compose.BackHandler
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.result.contract.ActivityResultContracts.RequestPermission
import androidx.activity.viewModels
import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.runtime.LaunchedEffect
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import app.doorstep.android.security.ForegroundActivity
import app.doorstep.android.ui.AppViewModel
import app.doorstep.ui.app.DoorstepApp
import app.doorstep.ui.app.Route

/**
 * The only activity: doorstep-ui's whole app ([DoorstepApp] over the view model's state) in the
 * phone's light or dark theme. FLAG_SECURE keeps every screen out of screenshots, screen
 * recording, casting and the recent-apps thumbnail. A FragmentActivity because BiometricPrompt
 * needs one.
 */
class MainActivity : FragmentActivity() {

    private val app: AppViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        setContent {
            val state = app.state
            BackHandler(enabled = state.canGoBack) { state.back() }
            // The lone-working reminders are notifications: asked for when the practitioner first
            // opens lone working (Android 13+); checking in goes ahead either way.
            val askNotifications = rememberLauncherForActivityResult(RequestPermission()) { }
            val atDoor = state.route is Route.Lone
            LaunchedEffect(atDoor) {
                if (atDoor && Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
                    ContextCompat.checkSelfPermission(this@MainActivity, Manifest.permission.POST_NOTIFICATIONS) !=
                    PackageManager.PERMISSION_GRANTED
                ) {
                    askNotifications.launch(Manifest.permission.POST_NOTIFICATIONS)
                }
            }
            DoorstepApp(state, dark = isSystemInDarkTheme())
        }
    }

    override fun onResume() {
        super.onResume()
        ForegroundActivity.set(this)
    }

    override fun onPause() {
        ForegroundActivity.clear(this)
        super.onPause()
    }
}
