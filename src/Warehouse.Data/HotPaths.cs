using System.Reflection;
using System.Runtime.CompilerServices;
using Warehouse.Data.DuckDb;

namespace Warehouse.Data;

/// <summary>
/// Compiles a load's hot loops ahead of their first call. Methods marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/> are left out of the ReadyToRun images by design, so a fresh
/// process JIT-compiles them when the first rows arrive, on the threads that parse and append. Compiling them on a
/// thread-pool thread while the load does other work first (hashing the file, opening the session) takes that off the
/// staging clock. Nothing changes but when the compilation happens: a method the load reaches first is simply compiled
/// there, as before.
/// </summary>
public static class HotPaths
{
    /// <summary>
    /// Starts compiling, in the background, every non-generic <see cref="MethodImplOptions.AggressiveOptimization"/>
    /// method declared by <paramref name="types"/> and by this assembly's staging appender.
    /// </summary>
    /// <param name="types">Types whose hot methods the caller is about to run.</param>
    /// <returns>The background work (never faults: a method that cannot be prepared is left to the JIT).</returns>
    public static Task PrepareInBackground(params Type[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var all = types.Append(typeof(DuckDbChunkAppender)).ToArray();
        return Task.Run(() => Prepare(all));
    }

    /// <summary>The methods <see cref="PrepareInBackground"/> compiles for <paramref name="types"/>.</summary>
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

    private static void Prepare(IEnumerable<Type> types)
    {
        foreach (var method in HotMethods(types))
        {
            try
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or TypeLoadException)
            {
                // Left to the JIT at its first call, as without this class.
            }
        }
    }
}
