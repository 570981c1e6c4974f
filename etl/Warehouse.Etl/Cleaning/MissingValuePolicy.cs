namespace Warehouse.Etl.Cleaning;

/// <summary>What to do when a column is empty.</summary>
public enum MissingValuePolicy
{
    /// <summary>Keep the row with NULL in the column (optional attributes).</summary>
    KeepNull,

    /// <summary>Reject the row naming the column (keys and required attributes).</summary>
    Reject,

    /// <summary>Use the column's default value (e.g. likes = 0) and keep the row.</summary>
    UseDefault,
}
