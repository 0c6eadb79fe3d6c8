using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.TestWorker;

/// <summary>HTTP functions that show what reached the worker.</summary>
public sealed class HttpFunctions(ILogger<HttpFunctions> logger)
{
    [Function("Echo")]
    public IActionResult Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "echo/{name}")] HttpRequest request,
        string name)
    {
        logger.LogInformation("Echo answered for {Name}", name);
        return new OkObjectResult(new
        {
            name,
            method = request.Method,
            path = request.Path.Value,
            query = request.QueryString.Value,
            header = request.Headers["X-Test"].ToString(),
            origin = request.Headers.Origin.ToString(),
            setting = Environment.GetEnvironmentVariable("TestWorker__Greeting"),
            processId = Environment.ProcessId,
        });
    }

    [Function("Upload")]
    public async Task<IActionResult> Upload(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "uploads/{id:int}")] HttpRequest request,
        int id)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var result = new ObjectResult(new { id, length = body.Length, contentType = request.ContentType }) { StatusCode = 201 };
        request.HttpContext.Response.Headers["X-Upload"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }

    [Function("Throws")]
    public IActionResult Throws(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "throws")] HttpRequest request)
        => throw new InvalidOperationException("secret failure detail");

    [Function("Slow")]
    public async Task<IActionResult> Slow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "slow")] HttpRequest request)
    {
        logger.LogInformation("Slow started");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), request.HttpContext.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            logger.LogInformation("Slow was cancelled");
            throw;
        }

        return new OkResult();
    }
}
