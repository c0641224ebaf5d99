import DoorstepFFI

extension VisitAnswers {
    /// Nothing answered yet, as the core defines it. Only the base for the first `withAnswer`;
    /// a pristine form is `visitForm(…, nil)`.
    public static var unanswered: VisitAnswers { emptyAnswers() }
}
