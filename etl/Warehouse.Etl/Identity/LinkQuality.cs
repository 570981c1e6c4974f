namespace Warehouse.Etl.Identity;

/// <summary>
/// Precision and recall of linking source rows (web sessions, social comments) to known customers, against the truth.
/// A row is linked when it got a customer, correct when that customer is its true one.
/// </summary>
/// <param name="Precision">Correct links / links (1 when nothing was linked).</param>
/// <param name="Recall">Correct links / rows (every row belongs to a customer).</param>
/// <param name="Rows">Rows measured.</param>
/// <param name="Linked">Rows linked to a customer.</param>
/// <param name="Correct">Rows linked to their true customer.</param>
public readonly record struct LinkQuality(double Precision, double Recall, long Rows, long Linked, long Correct)
{
    /// <summary>Compares the customer each row was linked to (null: not linked) with its true customer. O(n).</summary>
    /// <param name="linked">Customer id (e.g. CRM id) of the linked customer per row, or null.</param>
    /// <param name="truth">True customer id per row.</param>
    public static LinkQuality Of(IReadOnlyList<string?> linked, IReadOnlyList<string> truth)
    {
        ArgumentNullException.ThrowIfNull(linked);
        ArgumentNullException.ThrowIfNull(truth);
        if (linked.Count != truth.Count)
            throw new ArgumentException("linked and truth must have the same length", nameof(truth));
        long links = 0, correct = 0;
        for (var i = 0; i < linked.Count; i++)
        {
            if (linked[i] is not { } id)
                continue;
            links++;
            if (string.Equals(id, truth[i], StringComparison.Ordinal))
                correct++;
        }
        return new LinkQuality(links == 0 ? 1 : (double)correct / links, linked.Count == 0 ? 1 : (double)correct / linked.Count, linked.Count, links, correct);
    }
}
