package app.doorstep.android.ui.lone

import android.Manifest
import android.content.pm.PackageManager
import android.os.Build
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts.RequestPermission
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LifecycleResumeEffect
import app.doorstep.android.R
import app.doorstep.android.ui.common.ErrorText
import app.doorstep.android.ui.common.LoneWorkerBanner
import app.doorstep.android.ui.common.ScreenScaffold
import app.doorstep.android.ui.common.doorstepViewModel
import app.doorstep.android.ui.theme.RagColors

/**
 * Core calls: visit(visitId) for the visit, today() for the banner; checkIn (its reminder is
 * scheduled) / checkOut (cancelled). Big buttons for use at the door.
 */
@Composable
fun LoneWorkingScreen(onBack: () -> Unit) {
    val vm = doorstepViewModel { container, handle -> LoneWorkingViewModel(container, handle) }
    LifecycleResumeEffect(Unit) {
        vm.load()
        onPauseOrDispose { }
    }
    // The reminder is a notification: ask once, at check-in; checking in goes ahead either way.
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
    val visit = vm.visit
    ScreenScaffold(title = stringResource(R.string.lone_working), onBack = onBack, busy = vm.busy) {
        vm.banner?.let { LoneWorkerBanner(it, red = vm.red) }
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            ErrorText(vm.error)
            if (visit == null) return@Column
            Text(visit.childName, style = MaterialTheme.typography.headlineSmall)
            Text(visit.address)
            visit.accessNotes?.let { Text(it) }
            Text("${visit.timeLabel} · ${visit.kindLabel} · ${visit.statusLabel}")
            Text(stringResource(R.string.expected_minutes, visit.expectedMinutes.toInt()))
            if (visit.canCheckIn) {
                Button(
                    onClick = checkIn,
                    enabled = !vm.busy,
                    modifier = Modifier.fillMaxWidth().heightIn(min = 72.dp),
                ) { Text(stringResource(R.string.check_in), style = MaterialTheme.typography.titleLarge) }
            }
            if (visit.canCheckOut) {
                Button(
                    onClick = vm::checkOut,
                    enabled = !vm.busy,
                    colors = ButtonDefaults.buttonColors(containerColor = RagColors.Green),
                    modifier = Modifier.fillMaxWidth().heightIn(min = 72.dp),
                ) { Text(stringResource(R.string.check_out_safe), style = MaterialTheme.typography.titleLarge) }
            }
        }
    }
}
