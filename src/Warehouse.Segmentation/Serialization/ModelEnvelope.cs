using System;
using System.IO;
using System.Text;

namespace Warehouse.Segmentation.Serialization;

/// <summary>
/// The byte envelope shared by every persisted object.
/// </summary>
/// <remarks>
/// Layout (little-endian):
/// <code>
/// offset 0  4 bytes  signature "WSEG" (0x57 0x53 0x45 0x47)
/// offset 4  uint16   format version
/// offset 6  byte     ModelKind
/// offset 7  int32    body length L
/// offset 11 L bytes  body (model specific, written with BinaryWriter)
/// then      uint32   CRC-32 (IEEE 802.3, reflected 0xEDB88320) of the body
/// </code>
/// Version history: 1 — first format (2026-11): k-means, scaler; later kinds were added without changing
/// the envelope, so their bodies are also version 1.
/// </remarks>
internal static class ModelEnvelope
{
    internal const ushort CurrentVersion = 1;
    internal const int HeaderLength = 11;
    private const uint Signature = 0x47455357; // "WSEG" read as little-endian uint32

    internal static byte[] Write(ModelKind kind, Action<BinaryWriter> writeBody)
    {
        using var bodyStream = new MemoryStream();
        using (var w = new BinaryWriter(bodyStream, Encoding.UTF8, leaveOpen: true))
        {
            writeBody(w);
        }
        byte[] body = bodyStream.ToArray();
        using var output = new MemoryStream(HeaderLength + body.Length + 4);
        using (var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Signature);
            w.Write(CurrentVersion);
            w.Write((byte)kind);
            w.Write(body.Length);
            w.Write(body);
            w.Write(Crc32(body, 0, body.Length));
        }
        return output.ToArray();
    }

    /// <summary>Validates the envelope and returns the kind and a reader positioned at the body.</summary>
    internal static BinaryReader Open(byte[] payload, out ModelKind kind)
    {
        if (payload is null) throw new ArgumentNullException(nameof(payload));
        if (payload.Length < HeaderLength + 4)
            throw new InvalidDataException($"segmentation payload is {payload.Length} bytes, shorter than the smallest valid payload ({HeaderLength + 4} bytes): truncated or not a model");
        uint signature = BitConverter.ToUInt32(payload, 0);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian platforms are not supported");
        if (signature != Signature)
            throw new InvalidDataException($"payload does not start with the segmentation model signature 'WSEG' (found bytes {payload[0]:X2} {payload[1]:X2} {payload[2]:X2} {payload[3]:X2}): not a model or corrupt");
        ushort version = BitConverter.ToUInt16(payload, 4);
        if (version == 0)
            throw new InvalidDataException("payload has format version 0, which was never written: corrupt payload");
        if (version > CurrentVersion)
            throw new InvalidDataException($"payload has format version {version}, newer than this library understands (≤ {CurrentVersion}); upgrade Warehouse.Segmentation to read it");
        kind = (ModelKind)payload[6];
        int length = BitConverter.ToInt32(payload, 7);
        if (length < 0 || (long)HeaderLength + length + 4 != payload.Length)
            throw new InvalidDataException($"payload declares a body of {length} bytes but holds {payload.Length - HeaderLength - 4}: truncated or corrupt");
        uint stored = BitConverter.ToUInt32(payload, HeaderLength + length);
        uint actual = Crc32(payload, HeaderLength, length);
        if (stored != actual)
            throw new InvalidDataException($"payload checksum mismatch (stored {stored:X8}, computed {actual:X8}): corrupt payload");
        return new BinaryReader(new MemoryStream(payload, HeaderLength, length, writable: false), Encoding.UTF8);
    }

    /// <summary>Bitwise CRC-32 (no table, so no static state; models are small).</summary>
    internal static uint Crc32(byte[] data, int offset, int count)
    {
        uint crc = 0xFFFFFFFFu;
        for (int i = offset; i < offset + count; i++)
        {
            crc ^= data[i];
            for (int b = 0; b < 8; b++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    internal static InvalidDataException Corrupt(string what) =>
        new InvalidDataException("corrupt segmentation payload: " + what);

    // ---- body helpers -------------------------------------------------------------------------------------

    internal static void WriteMatrix(BinaryWriter w, FeatureMatrix m)
    {
        w.Write(m.Rows);
        w.Write(m.Columns);
        WriteDoubles(w, m.Values);
        WriteStrings(w, m.ColumnNames);
    }

    internal static FeatureMatrix ReadMatrix(BinaryReader r)
    {
        int rows = ReadCount(r, "matrix rows");
        int cols = ReadCount(r, "matrix columns");
        if (cols < 1) throw Corrupt("matrix with no columns");
        var values = ReadDoubles(r);
        if (values.Length != (long)rows * cols) throw Corrupt($"matrix {rows}×{cols} holds {values.Length} values");
        var m = new FeatureMatrix(values, cols);
        var names = ReadStrings(r);
        if (names is not null)
        {
            if (names.Length != cols) throw Corrupt($"{names.Length} column names for {cols} columns");
            m.ColumnNames = names;
        }
        return m;
    }

    internal static void WriteDoubles(BinaryWriter w, double[] values)
    {
        w.Write(values.Length);
        foreach (double v in values) w.Write(v);
    }

    internal static double[] ReadDoubles(BinaryReader r)
    {
        int n = ReadCount(r, "array length");
        CheckRemaining(r, (long)n * 8);
        var a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.ReadDouble();
        return a;
    }

    internal static void WriteInts(BinaryWriter w, int[] values)
    {
        w.Write(values.Length);
        foreach (int v in values) w.Write(v);
    }

    internal static int[] ReadInts(BinaryReader r)
    {
        int n = ReadCount(r, "array length");
        CheckRemaining(r, (long)n * 4);
        var a = new int[n];
        for (int i = 0; i < n; i++) a[i] = r.ReadInt32();
        return a;
    }

    internal static void WriteStrings(BinaryWriter w, string[]? values)
    {
        if (values is null)
        {
            w.Write(-1);
            return;
        }
        w.Write(values.Length);
        foreach (var s in values) w.Write(s ?? string.Empty);
    }

    internal static string[]? ReadStrings(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n == -1) return null;
        if (n < 0) throw Corrupt($"negative string count {n}");
        CheckRemaining(r, n);
        var a = new string[n];
        for (int i = 0; i < n; i++) a[i] = r.ReadString();
        return a;
    }

    internal static int ReadCount(BinaryReader r, string what)
    {
        int n = r.ReadInt32();
        if (n < 0) throw Corrupt($"negative {what} {n}");
        return n;
    }

    private static void CheckRemaining(BinaryReader r, long bytes)
    {
        var s = r.BaseStream;
        if (s.Length - s.Position < bytes) throw Corrupt($"needs {bytes} more bytes but only {s.Length - s.Position} remain");
    }
}
