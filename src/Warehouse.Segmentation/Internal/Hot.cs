using System.Runtime.CompilerServices;

namespace Warehouse.Segmentation.Internal;

/// <summary>
/// Method flags for hot kernels: <c>MethodImplOptions.AggressiveOptimization</c> on net10 (skips tier-0 JIT, which
/// would otherwise be what a long-running loop executes); no flag on net48, which does not define it.
/// </summary>
internal static class Hot
{
#if NET
    internal const MethodImplOptions Optimize = MethodImplOptions.AggressiveOptimization;
#else
    internal const MethodImplOptions Optimize = 0;
#endif
}
