using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Shiming.Storage;

namespace Shiming.Api;

/// <summary>
/// Establishes the caller of an HTTP function under <see cref="CallerIdentity"/>'s trust rules. A function needs a
/// signed-in account unless its method is <c>[AllowAnonymous]</c>; without one it does not run, and the answer is
/// a 401 problem.
/// </summary>
internal sealed class CallerMiddleware(CallerIdentity identity) : IFunctionsWorkerMiddleware
{
    private static readonly ConcurrentDictionary<string, bool> AnonymousFunctions = new(StringComparer.Ordinal);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext() ?? throw new InvalidOperationException("An HTTP function ran without its request.");
        if (identity.Resolve(http.Request) is { } caller)
        {
            caller.AttachTo(http);
        }
        else if (!AnonymousFunctions.GetOrAdd(context.FunctionDefinition.EntryPoint, AllowsAnonymous))
        {
            await Problems.Unauthenticated().ExecuteAsync(http);
            return;
        }

        await next(context);
    }

    /// <summary>The entry point is <c>Namespace.Type.Method</c>, a method of this assembly.</summary>
    private static bool AllowsAnonymous(string entryPoint)
    {
        var split = entryPoint.LastIndexOf('.');
        var type = typeof(CallerMiddleware).Assembly.GetType(entryPoint[..split], throwOnError: true)!;
        return type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name == entryPoint[(split + 1)..])
            .Any(m => m.GetCustomAttribute<AllowAnonymousAttribute>() is not null);
    }
}

/// <summary>
/// An HTTP function that throws answers 500 with a problem details body that says nothing of the exception; the
/// exception is logged. (Bad input never gets here: the functions answer it with a 4xx.) One that throws because
/// storage is unreachable or throttling answers 503 with <c>Retry-After</c>, logged once for the whole outage.
/// </summary>
internal sealed class UnhandledExceptionMiddleware(StorageAvailability storage, ILogger<UnhandledExceptionMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.GetHttpContext() is { } http && !http.RequestAborted.IsCancellationRequested && storage.Failed(ex))
        {
            if (!http.Response.HasStarted)
            {
                http.Response.Clear();
                http.Response.Headers.RetryAfter = Problems.StorageRetryAfterSeconds;
                await Problems.StorageUnreachable().ExecuteAsync(http);
            }
        }
        catch (Exception ex) when (context.GetHttpContext() is { } http && !http.RequestAborted.IsCancellationRequested)
        {
            Log.FunctionFailed(logger, ex, context.FunctionDefinition.Name);
            if (!http.Response.HasStarted)
            {
                http.Response.Clear();
                await Problems.Create(StatusCodes.Status500InternalServerError, "internal_error", "Something went wrong on our side.",
                    "Nothing about your request caused this. Try again in a moment.").ExecuteAsync(http);
            }
        }
    }
}
