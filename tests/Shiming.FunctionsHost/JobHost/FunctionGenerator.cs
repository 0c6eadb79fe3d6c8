using System.Reflection;
using System.Reflection.Emit;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.WebJobs;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.JobHost;

/// <summary>
/// Emits the type the Functions host generates for an out-of-process worker (its <c>FunctionGenerator</c>): a class
/// <c>Host.Functions</c> with one static method per timer- or queue-triggered function, named as the function, whose
/// trigger parameter carries the trigger attribute built from the function's metadata. The WebJobs SDK indexes it like
/// any job class, so its listeners, locks (<c>Host.Functions.{name}.Listener</c>) and timer status blobs are the
/// host's; each body hands its arguments to <see cref="WorkerFunctionInvoker"/>, which sends them to the worker.
/// </summary>
internal static class FunctionGenerator
{
    public const string TypeName = "Host.Functions";
    private const string InvokerField = "Invoker";

    private static readonly MethodInfo Invoke = typeof(WorkerFunctionInvoker).GetMethod(nameof(WorkerFunctionInvoker.InvokeAsync))!;

    /// <summary>The generated type, its methods' invoker set; binding expressions (<c>%Setting%</c>) are left to the
    /// SDK's name resolver, as the host leaves them. Null when no function has a trigger the JobHost runs.</summary>
    public static Type? Generate(IEnumerable<FunctionDescription> functions, IReadOnlySet<string> disabled, WorkerFunctionInvoker invoker)
    {
        // One collectible assembly per host: hosts in one process (tests, two instances) each have their own type.
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"Host.Functions.{Guid.NewGuid():N}"), AssemblyBuilderAccess.RunAndCollect);
        var module = assembly.DefineDynamicModule("Host.Functions");
        var type = module.DefineType(TypeName, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract | TypeAttributes.Class);
        var field = type.DefineField(InvokerField, typeof(WorkerFunctionInvoker), FieldAttributes.Public | FieldAttributes.Static);
        var count = 0;
        foreach (var function in functions)
        {
            if (TriggerParameter(function) is not { } trigger)
            {
                continue;
            }

            var method = type.DefineMethod(
                function.Name,
                MethodAttributes.Public | MethodAttributes.Static,
                typeof(Task),
                [trigger.Type, typeof(Microsoft.Azure.WebJobs.ExecutionContext), typeof(CancellationToken)]);
            method.SetCustomAttribute(new CustomAttributeBuilder(typeof(FunctionNameAttribute).GetConstructor([typeof(string)])!, [function.Name]));
            if (disabled.Contains(function.Name))
            {
                // As the host marks a function disabled by AzureWebJobs.{name}.Disabled: no listener, still callable.
                method.SetCustomAttribute(new CustomAttributeBuilder(typeof(DisableAttribute).GetConstructor(Type.EmptyTypes)!, []));
            }

            method.DefineParameter(1, ParameterAttributes.None, function.TriggerName is { Length: > 0 } name ? name : "trigger")
                .SetCustomAttribute(trigger.Attribute);
            method.DefineParameter(2, ParameterAttributes.None, "_context");
            method.DefineParameter(3, ParameterAttributes.None, "_cancellationToken");

            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ldsfld, field);
            il.Emit(OpCodes.Ldstr, function.Name);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Callvirt, Invoke);
            il.Emit(OpCodes.Ret);
            count++;
        }

        if (count == 0)
        {
            return null;
        }

        var created = type.CreateType();
        created.GetField(InvokerField)!.SetValue(null, invoker);
        return created;
    }

    private static (Type Type, CustomAttributeBuilder Attribute)? TriggerParameter(FunctionDescription function)
    {
        switch (function.TriggerType?.ToLowerInvariant())
        {
            case "timertrigger":
                var schedule = function.TriggerProperty("schedule") ?? "";
                var named = new List<(PropertyInfo, object)>();
                if (bool.TryParse(function.TriggerProperty("runOnStartup"), out var runOnStartup))
                {
                    named.Add((typeof(TimerTriggerAttribute).GetProperty(nameof(TimerTriggerAttribute.RunOnStartup))!, runOnStartup));
                }

                if (bool.TryParse(function.TriggerProperty("useMonitor"), out var useMonitor))
                {
                    named.Add((typeof(TimerTriggerAttribute).GetProperty(nameof(TimerTriggerAttribute.UseMonitor))!, useMonitor));
                }

                return (typeof(TimerInfo), new CustomAttributeBuilder(
                    typeof(TimerTriggerAttribute).GetConstructor([typeof(string)])!,
                    [schedule],
                    [.. named.Select(n => n.Item1)],
                    [.. named.Select(n => n.Item2)]));
            case "queuetrigger":
                var queueName = function.TriggerProperty("queueName") ?? "";
                var connection = function.TriggerProperty("connection") is { Length: > 0 } c ? [typeof(QueueTriggerAttribute).GetProperty(nameof(QueueTriggerAttribute.Connection))!] : Array.Empty<PropertyInfo>();
                return (typeof(QueueMessage), new CustomAttributeBuilder(
                    typeof(QueueTriggerAttribute).GetConstructor([typeof(string)])!,
                    [queueName],
                    connection,
                    connection.Length > 0 ? [function.TriggerProperty("connection")!] : []));
            default:
                return null;
        }
    }
}
