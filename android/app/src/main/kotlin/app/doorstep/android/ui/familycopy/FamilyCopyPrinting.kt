package app.doorstep.android.ui.familycopy

import app.doorstep.ffi.PersonId
import android.content.Context
import android.os.Bundle
import android.os.CancellationSignal
import android.os.ParcelFileDescriptor
import android.print.PageRange
import android.print.PrintAttributes
import android.print.PrintDocumentAdapter
import android.print.PrintDocumentInfo
import android.print.PrintManager
import app.doorstep.ffi.FamilyCopyReview
import app.doorstep.kotlin.Doorstep
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
 * Produces the copy the practitioner reviewed (the core refuses it if anything changed since the
 * review) and opens the system print dialog with it. The chronology records the copy as given
 * once the core has produced it.
 */
suspend fun printFamilyCopy(
    context: Context,
    doorstep: Doorstep,
    review: FamilyCopyReview,
    recipientId: PersonId,
    largePrint: Boolean,
) {
    val pdf = doorstep.giveFamilyCopy(review.visitId, recipientId, largePrint, review.fingerprint)
    val printManager = context.getSystemService(Context.PRINT_SERVICE) as PrintManager
    // The job's name is shown in the print queue: no name of the family in it.
    printManager.print(
        "Visit summary",
        FamilyCopyPrintAdapter(pdf, "visit-summary.pdf"),
        PrintAttributes.Builder().setMediaSize(PrintAttributes.MediaSize.ISO_A4).build(),
    )
}
