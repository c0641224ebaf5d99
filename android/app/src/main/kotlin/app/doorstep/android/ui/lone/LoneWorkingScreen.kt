package app.doorstep.android.ui.lone

import android.Manifest
import android.content.pm.PackageManager
import android.os.Build
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts.RequestPermission
import androidx.compose.runtime.Composable
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LifecycleResumeEffect
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.ui.screens.LoneWorkingScreen as LoneWorkingView

/**
 * Wiring only: the screen is doorstep-ui's. The platform part stays here: the notification
 * permission is asked for once, at check-in (checking in goes ahead either way).
 */
@Composable
fun LoneWorkingScreen(onBack: () -> Unit) {
    val vm = doorstepViewModel { container, handle -> LoneWorkingViewModel(container, handle) }
    LifecycleResumeEffect(Unit) {
        vm.load()
        onPauseOrDispose { }
    }
    val askNotifications = rememberLauncherForActivityResult(RequestPermission()) { vm.checkIn() }
    val context = LocalContext.current
    val checkIn = {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
            ContextCompat.checkSelfPermission(context, Manifest.permission.POST_NOTIFICATIONS) !=
            PackageManager.PERMISSION_GRANTED
        ) {
            askNotifications.launch(Manifest.permission.POST_NOTIFICATIONS)
        } else {
            vm.checkIn()
        }
    }
    LoneWorkingView(vm.visit, vm.banner, vm.red, vm.busy, vm.error, onBack, onCheckIn = checkIn, onCheckOut = vm::checkOut)
}
