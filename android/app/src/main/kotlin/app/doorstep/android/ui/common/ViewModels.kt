package app.doorstep.android.ui.common

import androidx.compose.runtime.Composable
import androidx.compose.ui.platform.LocalContext
import androidx.lifecycle.SavedStateHandle
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.lifecycle.createSavedStateHandle
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import app.doorstep.android.AppContainer
import app.doorstep.android.DoorstepApp

/**
 * A view model for the current navigation entry, built from the [AppContainer] and the entry's
 * [SavedStateHandle] (which carries the route's arguments: caseId, visitId).
 */
@Composable
inline fun <reified VM : ViewModel> doorstepViewModel(
    crossinline create: (AppContainer, SavedStateHandle) -> VM,
): VM {
    val container = (LocalContext.current.applicationContext as DoorstepApp).container
    return viewModel(
        factory = viewModelFactory {
            initializer { create(container, createSavedStateHandle()) }
        },
    )
}
