package app.doorstep.android.ui.familycopy

import android.app.Activity
import android.content.Context
import android.os.Bundle
import android.os.CancellationSignal
import android.os.ParcelFileDescriptor
import android.print.PageRange
import android.print.PrintAttributes
import android.print.PrintDocumentAdapter
import android.print.PrintDocumentInfo
import android.print.PrintManager
import java.io.FileOutputStream

/**
 * Hands the family's copy to the Android print framework, which also offers "Save as PDF" and
 * sharing through the system's print dialog. The PDF's bytes come from the core, already laid out
 * (A4, tagged, fonts embedded): this adapter only copies them out, so Android's own layout pass
 * has nothing to decide.
 */
class FamilyCopyPrintAdapter(
    private val pdf: ByteArray,
    private val fileName: String,
) : PrintDocumentAdapter() {

    override fun onLayout(
        oldAttributes: PrintAttributes?,
        newAttributes: PrintAttributes,
        cancellationSignal: CancellationSignal,
        callback: LayoutResultCallback,
        extras: Bundle?,
    ) {
        if (cancellationSignal.isCanceled) {
            callback.onLayoutCancelled()
            return
        }
        val info = PrintDocumentInfo.Builder(fileName)
            .setContentType(PrintDocumentInfo.CONTENT_TYPE_DOCUMENT)
            .build()
        callback.onLayoutFinished(info, oldAttributes != newAttributes)
    }

    override fun onWrite(
        pages: Array<out PageRange>,
        destination: ParcelFileDescriptor,
        cancellationSignal: CancellationSignal,
        callback: WriteResultCallback,
    ) {
        try {
            FileOutputStream(destination.fileDescriptor).use { it.write(pdf) }
            if (cancellationSignal.isCanceled) callback.onWriteCancelled()
            else callback.onWriteFinished(arrayOf(PageRange.ALL_PAGES))
        } catch (e: java.io.IOException) {
            callback.onWriteFailed(e.localizedMessage)
        }
    }
}

/**
 * Opens the system print dialog (print, "Save as PDF", share) with the copy the core produced
 * from the practitioner's review (`Doorstep.giveFamilyCopy`, which also recorded it as given).
 * [activity] must be the activity on screen: the print framework shows its dialog over it.
 */
fun printFamilyCopy(activity: Activity, pdf: ByteArray, fileName: String) {
    val printManager = activity.getSystemService(Context.PRINT_SERVICE) as PrintManager
    // The job's name is shown in the print queue: no name of the family in it.
    printManager.print(
        "Visit summary",
        FamilyCopyPrintAdapter(pdf, fileName),
        PrintAttributes.Builder().setMediaSize(PrintAttributes.MediaSize.ISO_A4).build(),
    )
}
