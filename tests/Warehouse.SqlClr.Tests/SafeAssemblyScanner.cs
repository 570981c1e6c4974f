using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Warehouse.SqlClr.Tests;

/// <summary>
/// Reads an assembly's metadata and IL (System.Reflection.Metadata, no loading) and lists what SQL Server rejects in a
/// SAFE assembly, at CREATE ASSEMBLY or at run time (learn.microsoft.com, "CLR integration programming model
/// restrictions" and "Supported .NET Framework libraries"):
/// static fields not marked readonly (msg 6211) and stores to static fields outside a type initializer (msg 6212 —
/// which is what cached lambdas and method-group delegates compile to), finalizers, P/Invoke, unverifiable code
/// (pointers, localloc, calli, UnverifiableCodeAttribute), thread creation and other host-protected APIs, reflection
/// emit and assembly loading, and references to assemblies outside SQL Server's supported list.
/// </summary>
public static class SafeAssemblyScanner
{
    /// <summary>Framework assemblies SQL Server loads for CLR code ("Supported .NET Framework libraries").</summary>
    public static readonly IReadOnlySet<string> SupportedAssemblies = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "mscorlib", "System", "System.Core", "System.Data", "System.Data.OracleClient", "System.Data.SqlXml", "System.Security",
        "System.Transactions", "System.Web.Services", "System.Xml", "System.Xml.Linq", "System.Configuration", "System.Deployment",
        "Microsoft.VisualBasic", "Microsoft.VisualC", "CustomMarshalers",
    };

    /// <summary>Types whose use creates threads, timers or dynamic code, which SAFE code may not do.</summary>
    private static readonly string[] ForbiddenTypes =
    [
        "System.Threading.Thread", "System.Threading.ThreadPool", "System.Threading.Timer", "System.Threading.Tasks.Task",
        "System.Threading.Tasks.Task`1", "System.Threading.Tasks.TaskFactory", "System.Threading.Tasks.Parallel",
        "System.Timers.Timer", "System.Runtime.InteropServices.Marshal", "System.Runtime.InteropServices.GCHandle",
        "System.Diagnostics.Process", "System.Environment", "System.AppDomain",
    ];

    private static readonly string[] ForbiddenNamespaces = ["System.Reflection.Emit", "System.Runtime.CompilerServices.Unsafe", "System.IO.MemoryMappedFiles"];

    private static readonly (string Type, string Method)[] ForbiddenMethods =
    [
        ("System.Reflection.Assembly", "Load"), ("System.Reflection.Assembly", "LoadFrom"), ("System.Reflection.Assembly", "LoadFile"),
        ("System.Activator", "CreateInstance"), ("System.Type", "InvokeMember"),
    ];

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Scans the assembly file and returns one line per violation (empty when the assembly is SAFE-clean).</summary>
    /// <param name="path">Assembly file.</param>
    /// <param name="onlyTypesStartingWith">When set, only types whose full name starts with this are scanned (for planted-violation tests).</param>
    public static IReadOnlyList<string> Scan(string path, string? onlyTypesStartingWith = null)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var violations = new List<string>();

        if (onlyTypesStartingWith is null)
        {
            foreach (var handle in md.AssemblyReferences)
            {
                var name = md.GetString(md.GetAssemblyReference(handle).Name);
                if (!SupportedAssemblies.Contains(name))
                {
                    violations.Add($"references assembly {name}, which is not in SQL Server's supported list");
                }
            }

            foreach (var attribute in md.GetModuleDefinition().GetCustomAttributes().Select(md.GetCustomAttribute))
            {
                if (AttributeTypeName(md, attribute) == "System.Security.UnverifiableCodeAttribute")
                {
                    violations.Add("module is marked UnverifiableCode (compiled with unsafe code)");
                }
            }

            foreach (var handle in md.TypeReferences)
            {
                var name = TypeReferenceName(md, handle);
                if (ForbiddenTypes.Contains(name) || ForbiddenNamespaces.Any(n => name.StartsWith(n, StringComparison.Ordinal)))
                {
                    violations.Add($"uses {name}");
                }
            }
        }

        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            var typeName = TypeDefinitionName(md, typeHandle);
            if (onlyTypesStartingWith is not null && !typeName.StartsWith(onlyTypesStartingWith, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var fieldHandle in type.GetFields())
            {
                var field = md.GetFieldDefinition(fieldHandle);
                var attributes = field.Attributes;
                if ((attributes & FieldAttributes.Static) != 0 && (attributes & (FieldAttributes.InitOnly | FieldAttributes.Literal)) == 0)
                {
                    violations.Add($"{typeName}.{md.GetString(field.Name)}: static field not readonly");
                }
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                var methodName = md.GetString(method.Name);
                var where = $"{typeName}.{methodName}";
                if ((method.Attributes & MethodAttributes.PinvokeImpl) != 0)
                {
                    violations.Add($"{where}: P/Invoke");
                }

                if ((method.ImplAttributes & (MethodImplAttributes.InternalCall | MethodImplAttributes.Unmanaged | MethodImplAttributes.Native)) != 0)
                {
                    violations.Add($"{where}: native or internal call");
                }

                if (methodName == "Finalize" && (method.Attributes & MethodAttributes.Virtual) != 0 && method.GetParameters().Count == 0)
                {
                    violations.Add($"{where}: finalizer");
                }

                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                ScanIl(md, body, where, methodName == ".cctor", violations);
            }
        }

        return violations;
    }

    private static void ScanIl(MetadataReader md, MethodBodyBlock body, string where, bool isTypeInitializer, List<string> violations)
    {
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            if (!OpCodesByValue.TryGetValue(value, out var opCode))
            {
                violations.Add($"{where}: unknown IL opcode 0x{value:X}");
                return;
            }

            int token = 0;
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.ReadByte();
                    break;
                case OperandType.InlineVar:
                    il.ReadInt16();
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.ReadInt64();
                    break;
                case OperandType.InlineSwitch:
                    var count = il.ReadInt32();
                    for (var i = 0; i < count; i++)
                    {
                        il.ReadInt32();
                    }

                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                    token = il.ReadInt32();
                    break;
                default:
                    il.ReadInt32();
                    break;
            }

            if ((opCode == OpCodes.Stsfld || opCode == OpCodes.Ldsflda) && !isTypeInitializer)
            {
                violations.Add($"{where}: {(opCode == OpCodes.Stsfld ? "stores to" : "takes the address of")} static field {MemberName(md, token)} outside a type initializer");
            }
            else if (opCode == OpCodes.Localloc || opCode == OpCodes.Cpblk || opCode == OpCodes.Initblk || opCode == OpCodes.Calli)
            {
                violations.Add($"{where}: unverifiable instruction {opCode.Name}");
            }
            else if ((opCode == OpCodes.Call || opCode == OpCodes.Callvirt || opCode == OpCodes.Newobj || opCode == OpCodes.Ldftn) && token != 0)
            {
                var (typeName, memberName) = MemberParts(md, token);
                if (ForbiddenMethods.Contains((typeName, memberName)))
                {
                    violations.Add($"{where}: calls {typeName}.{memberName}");
                }
                else if (ForbiddenTypes.Contains(typeName) || ForbiddenNamespaces.Any(n => typeName.StartsWith(n, StringComparison.Ordinal)))
                {
                    violations.Add($"{where}: calls {typeName}.{memberName}");
                }
            }
        }
    }

    private static string MemberName(MetadataReader md, int token)
    {
        var (type, member) = MemberParts(md, token);
        return $"{type}.{member}";
    }

    private static (string Type, string Member) MemberParts(MetadataReader md, int token)
    {
        var handle = MetadataTokens.EntityHandle(token);
        switch (handle.Kind)
        {
            case HandleKind.FieldDefinition:
                var field = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                return (TypeDefinitionName(md, field.GetDeclaringType()), md.GetString(field.Name));
            case HandleKind.MethodDefinition:
                var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                return (TypeDefinitionName(md, method.GetDeclaringType()), md.GetString(method.Name));
            case HandleKind.MemberReference:
                var reference = md.GetMemberReference((MemberReferenceHandle)handle);
                return (ParentName(md, reference.Parent), md.GetString(reference.Name));
            case HandleKind.MethodSpecification:
                return MemberParts(md, MetadataTokens.GetToken(md.GetMethodSpecification((MethodSpecificationHandle)handle).Method));
            default:
                return ("?", "?");
        }
    }

    private static string ParentName(MetadataReader md, EntityHandle parent) => parent.Kind switch
    {
        HandleKind.TypeReference => TypeReferenceName(md, (TypeReferenceHandle)parent),
        HandleKind.TypeDefinition => TypeDefinitionName(md, (TypeDefinitionHandle)parent),
        HandleKind.TypeSpecification => GenericTypeName(md, (TypeSpecificationHandle)parent),
        _ => "?",
    };

    private static string GenericTypeName(MetadataReader md, TypeSpecificationHandle handle)
    {
        // Generic instantiation: blob = GENERICINST (0x15), CLASS/VALUETYPE, TypeDefOrRef coded index, …
        var blob = md.GetBlobReader(md.GetTypeSpecification(handle).Signature);
        if (blob.ReadByte() != 0x15)
        {
            return "?";
        }

        blob.ReadByte();
        var type = blob.ReadTypeHandle();
        return ParentName(md, type);
    }

    private static string TypeReferenceName(MetadataReader md, TypeReferenceHandle handle)
    {
        var reference = md.GetTypeReference(handle);
        var name = md.GetString(reference.Name);
        if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return TypeReferenceName(md, (TypeReferenceHandle)reference.ResolutionScope) + "+" + name;
        }

        var ns = md.GetString(reference.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string TypeDefinitionName(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var name = md.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return TypeDefinitionName(md, declaring) + "+" + name;
        }

        var ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string AttributeTypeName(MetadataReader md, CustomAttribute attribute)
    {
        var ctor = attribute.Constructor;
        return ctor.Kind switch
        {
            HandleKind.MemberReference => ParentName(md, md.GetMemberReference((MemberReferenceHandle)ctor).Parent),
            HandleKind.MethodDefinition => TypeDefinitionName(md, md.GetMethodDefinition((MethodDefinitionHandle)ctor).GetDeclaringType()),
            _ => "?",
        };
    }
}
