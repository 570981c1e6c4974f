#if !NETFRAMEWORK
using System;

namespace Warehouse.SqlClr
{
    /// <summary>
    /// Stand-in for .NET Framework's Microsoft.SqlServer.Server.SqlProcedureAttribute, which the net10.0 packages lack;
    /// only the test build (net10.0) uses it. The deployed net48 build carries the real attribute.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class SqlProcedureAttribute : Attribute
    {
        /// <summary>Name of the procedure in SQL Server.</summary>
        public string? Name { get; set; }
    }
}
#endif
