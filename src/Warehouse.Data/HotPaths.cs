using System.Reflection;
using System.Runtime.CompilerServices;
using Warehouse.Data.DuckDb;

namespace Warehouse.Data;

/// <summary>
/// Compiles a load's hot loops ahead of their first call. Methods marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/> are left out of the ReadyToRun images by design, so a fresh
/// process JIT-compiles them when the first rows arrive, on the threads that parse and append. Compiling them on a
/// background thread while the load does other work first (opening the warehouse, hashing the file) takes that off the
/// staging clock. Nothing changes but when the compilation happens: a method the load reaches first is simply compiled
/// there, as before.
/// </summary>
public static class HotPaths
{
    /// <summary>
    /// Compiles every non-generic <see cref="MethodImplOptions.AggressiveOptimization"/> method declared by
    /// <paramref name="types"/> and by this assembly's staging appender (call it on a background thread).
    /// </summary>
    /// <param name="types">Types whose hot methods the caller is about to run.</param>
    /// <returns>Methods compiled (a method that cannot be prepared is left to the JIT at its first call).</returns>
    public static int Prepare(params Type[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var prepared = 0;
        foreach (var method in HotMethods(types.Append(typeof(DuckDbChunkAppender))))
        {
            try
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
                prepared++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or TypeLoadException)
            {
                // Left to the JIT at its first call, as without this class.
            }
        }

        return prepared;
    }

    /// <summary>The methods <see cref="Prepare"/> compiles for <paramref name="types"/> (besides the appender's).</summary>
    /// <param name="types">Types to look in.</param>
    public static IReadOnlyList<MethodInfo> HotMethods(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        return types
            .SelectMany(t => t.GetMethods(Declared))
            .Where(m => (m.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0
                        && !m.IsAbstract && !m.ContainsGenericParameters && m.DeclaringType is { ContainsGenericParameters: false })
            .ToList();
    }
}
