using Shiming.Api;
using Shiming.Baidu;
using Shiming.Hosting;
using Shiming.Patients;
using Shiming.Privacy;
using Shiming.Verifications;
using Shiming.Web;

if (FunctionMetadataWriter.TryRun(args))
{
    return;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddShimingHosting(HostingMode.From(builder.Configuration));
builder.Services.AddShimingApi(builder.Configuration);
builder.Services.AddPrivacy();
builder.Services.AddBaiduOcr();
builder.Services.AddVerifications();
builder.Services.AddPatients();

var app = builder.Build();
app.UseShimingHosting();

var api = app.MapShimingApi();
api.MapVerifications();
api.MapPatients();
api.MapWebPage();

app.Run();

/// <summary>The entry point, visible to the tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
