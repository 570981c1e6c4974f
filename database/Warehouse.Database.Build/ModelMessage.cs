namespace Warehouse.Database.Build;

/// <summary>A problem DacFx or the build found in one file.</summary>
/// <param name="File">Source file, relative to the source folder (empty when DacFx names none).</param>
/// <param name="Line">Line in the file (0 when unknown).</param>
/// <param name="Column">Column in the file (0 when unknown).</param>
/// <param name="Code">Message code, e.g. <c>SQL71501</c>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="IsError">True for errors, false for warnings.</param>
public sealed record ModelMessage(string File, int Line, int Column, string Code, string Message, bool IsError)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(string.IsNullOrEmpty(File) ? "(model)" : File)}({Line},{Column}): {(IsError ? "error" : "warning")} {Code}: {Message}";
}
