package app.doorstep.android

import android.os.Bundle
import android.view.WindowManager
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.fragment.app.FragmentActivity
import app.doorstep.android.security.ForegroundActivity
import app.doorstep.android.ui.DoorstepNavHost
import app.doorstep.ui.theme.DoorstepTheme
import androidx.compose.foundation.isSystemInDarkTheme

/**
 * The only activity. FLAG_SECURE keeps every screen out of screenshots, screen recording, casting
 * and the recent-apps thumbnail. A FragmentActivity because BiometricPrompt needs one.
 */
class MainActivity : FragmentActivity() {

    override fun onCreate(savedInstanceState: Bundle?) {
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        val container = (application as DoorstepApp).container
        setContent {
            DoorstepTheme(dark = isSystemInDarkTheme()) { DoorstepNavHost(container) }
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
