using System.Text.Json;
using System.Text.RegularExpressions;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>
/// The azd templates: what a compiler would refuse first, the shape azd needs, and no credential
/// anywhere. There is no Bicep compiler on the build machines, so these read the text.
/// </summary>
[TestClass]
public sealed class TemplateTests
{
    // Shapes of credentials and of the functions that fetch them; none may appear in a deployment file.
    private static readonly Regex Credential = new(
        @"AccountKey\s*=|SharedAccessSignature\s*=|SharedAccessKey\s*=|SharedAccessKeyName\s*=|InstrumentationKey\s*=|Password\s*=|UseDevelopmentStorage|DefaultEndpointsProtocol|listKeys\s*\(|listSecrets\s*\(|list\w*Keys\s*\(|[A-Za-z0-9+/]{40,}={1,2}",
        RegexOptions.IgnoreCase | RegexOptions.Compiled);

    [TestMethod]
    public void Every_template_has_balanced_brackets_and_closed_strings()
    {
        var files = BicepFile.All().ToList();

        Assert.IsGreaterThanOrEqualTo(6, files.Count);
        foreach (var file in files)
        {
            Assert.IsNotEmpty(file.Declarations, file.RelativePath);
        }
    }

    [TestMethod]
    public void The_bracket_check_refuses_what_a_compiler_would()
    {
        Assert.ThrowsExactly<FormatException>(() => BicepText.BlankComments("var a = {\n  b: 'c'\n"));
        Assert.ThrowsExactly<FormatException>(() => BicepText.BlankComments("var a = 'unclosed\n"));
        Assert.ThrowsExactly<FormatException>(() => BicepText.BlankComments("var a = [1, 2}\n"));
        Assert.AreEqual("var a = '${b}'   ", BicepText.BlankComments("var a = '${b}'//x"));
    }

    [TestMethod]
    public void No_deployment_file_holds_a_connection_string_or_a_key()
    {
        foreach (var path in Templates.DeploymentFiles())
        {
            var text = File.ReadAllText(path);
            var match = Credential.Match(text);
            Assert.IsFalse(match.Success, $"{Path.GetRelativePath(Repository.Root, path)} holds what looks like a credential: {match.Value}");
        }
    }

    [TestMethod]
    public void The_only_setting_named_a_connection_string_is_telemetry_that_needs_Entra_ID()
    {
        var connectionStrings = Templates.AppSettings().Keys
            .Where(k => k.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) || k.Contains("CONNECTION_STRING", StringComparison.Ordinal) || k == "AzureWebJobsStorage")
            .ToList();

        CollectionAssert.AreEqual(new[] { "APPLICATIONINSIGHTS_CONNECTION_STRING" }, connectionStrings);
        // With local auth off, the Application Insights connection string is an address: ingestion needs a token.
        var component = Templates.Monitoring.ResourcesOfType("Microsoft.Insights/components").Single();
        Assert.AreEqual("true", BicepText.Path(component.Body, "properties.DisableLocalAuth"));
    }

    [TestMethod]
    public void Storage_accepts_only_Entra_ID_and_nothing_in_it_is_public()
    {
        var storage = Templates.Storage;
        var account = storage.ResourcesOfType("Microsoft.Storage/storageAccounts").Single();

        Assert.AreEqual("false", BicepText.Path(account.Body, "properties.allowSharedKeyAccess"));
        Assert.AreEqual("false", BicepText.Path(account.Body, "properties.allowBlobPublicAccess"));
        Assert.AreEqual("'TLS1_2'", BicepText.Path(account.Body, "properties.minimumTlsVersion"));
        var containers = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        Assert.HasCount(2, containers);
        foreach (var container in containers)
        {
            Assert.AreEqual("'None'", BicepText.Path(container.Body, "properties.publicAccess"), container.Name);
        }
    }

    [TestMethod]
    public void Storage_holds_the_deployment_container_images_queue_and_tables()
    {
        var storage = Templates.Storage;
        string[] Names(string type) => [.. storage.ResourcesOfType(type).Select(r => BicepText.Value(r.Body, "name")!)];

        CollectionAssert.AreEquivalent(new[] { "deploymentContainerName", "imageContainerName" }, Names("Microsoft.Storage/storageAccounts/blobServices/containers"));
        CollectionAssert.AreEquivalent(new[] { "jobQueueName" }, Names("Microsoft.Storage/storageAccounts/queueServices/queues"));
        CollectionAssert.AreEquivalent(new[] { "jobTableName", "keyTableName" }, Names("Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    [TestMethod]
    public void Card_images_left_behind_are_deleted_after_a_day_and_deleted_images_are_not_kept()
    {
        var storage = Templates.Storage;
        var policy = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/managementPolicies").Single();
        var rule = BicepText.FirstObject(BicepText.Path(policy.Body, "properties.policy.rules")!);

        Assert.AreEqual("true", BicepText.Value(rule, "enabled"));
        StringAssert.Contains(BicepText.Path(rule, "definition.filters.prefixMatch"), "'${imageContainerName}/'");
        Assert.AreEqual("1", BicepText.Path(rule, "definition.actions.baseBlob.delete.daysAfterModificationGreaterThan"));
        var blobService = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices").Single();
        Assert.AreEqual("false", BicepText.Path(blobService.Body, "properties.deleteRetentionPolicy.enabled"));
    }

    [TestMethod]
    public void The_managed_identity_gets_the_data_roles_the_app_and_the_host_need()
    {
        var rbac = Templates.Rbac.Code;
        var roles = new Dictionary<string, string>
        {
            ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
            ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
            ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
        };

        foreach (var (role, id) in roles)
        {
            StringAssert.Contains(rbac, $"'{id}'", role);
        }

        var forTheApp = Templates.Rbac.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Where(r => BicepText.Path(r.Body, "properties.principalId") == "managedIdentityPrincipalId").ToList();
        Assert.HasCount(3, forTheApp); // the storage loop (three roles), telemetry, Key Vault
        Assert.IsTrue(forTheApp.All(r => BicepText.Path(r.Body, "properties.principalType") == "'ServicePrincipal'"));
    }

    [TestMethod]
    public void Secret_parameters_are_secure_come_from_the_azd_environment_and_never_leave_in_outputs()
    {
        var main = Templates.Main;
        var parameters = Templates.ParametersFile();
        var secrets = main.Params.Where(p => p.Name.EndsWith("Key", StringComparison.Ordinal) || p.Name.Contains("Secret", StringComparison.Ordinal)).ToList();
        CollectionAssert.IsSubsetOf(new[] { "baiduApiKey", "baiduSecretKey", "encryptionKey", "blindIndexKey" }, secrets.Select(p => p.Name).ToArray());

        foreach (var secret in secrets)
        {
            Assert.IsTrue(secret.HasDecorator("secure"), $"{secret.Name} is not @secure()");
            Assert.IsTrue(secret.Default is null or "''", $"{secret.Name} has a default value");
            var value = parameters.GetProperty(secret.Name).GetProperty("value").GetString()!;
            Assert.MatchesRegex(new Regex(@"^\$\{[A-Z_]+=?\}$"), value, $"{secret.Name} must come from the azd environment with no literal default");
            foreach (var output in main.Outputs)
            {
                Assert.DoesNotMatchRegex(new Regex($@"\b{secret.Name}\b"), output.Text, $"output {output.Name} exposes {secret.Name}");
            }
        }

        foreach (var module in BicepFile.All())
        {
            foreach (var param in module.Params.Where(p => p.Name.EndsWith("Key", StringComparison.Ordinal) && p.ParamType == "string" && !p.Name.EndsWith("Uri", StringComparison.Ordinal)))
            {
                Assert.IsTrue(param.HasDecorator("secure"), $"{module.RelativePath}: {param.Name} is not @secure()");
            }
        }
    }

    [TestMethod]
    public void The_function_app_runs_the_custom_handler_on_Linux_Flex_Consumption()
    {
        var api = Templates.Api;
        var plan = api.ResourcesOfType("Microsoft.Web/serverfarms").Single().Body;
        var app = Templates.FunctionApp();

        Assert.AreEqual("'FC1'", BicepText.Path(plan, "sku.name"));
        Assert.AreEqual("'FlexConsumption'", BicepText.Path(plan, "sku.tier"));
        Assert.AreEqual("true", BicepText.Path(plan, "properties.reserved"));
        Assert.AreEqual("'functionapp,linux'", BicepText.Value(app, "kind"));
        Assert.AreEqual("'custom'", BicepText.Path(app, "properties.functionAppConfig.runtime.name"));
        Assert.AreEqual("'1.0'", BicepText.Path(app, "properties.functionAppConfig.runtime.version"));
        Assert.AreEqual("'blobContainer'", BicepText.Path(app, "properties.functionAppConfig.deployment.storage.type"));
        Assert.AreEqual("'UserAssignedIdentity'", BicepText.Path(app, "properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.AreEqual("identityId", BicepText.Path(app, "properties.keyVaultReferenceIdentity"));
        Assert.AreEqual("true", BicepText.Path(app, "properties.httpsOnly"));
        // functionAppConfig needs 2023-12-01 or later.
        Assert.IsGreaterThanOrEqualTo(0, string.CompareOrdinal(api.ResourcesOfType("Microsoft.Web/sites").Single().Target.Split('@')[1], "2023-12-01"));
    }

    [TestMethod]
    public void CORS_origins_and_App_Service_Authentication_are_parameters()
    {
        var api = Templates.Api;
        var app = Templates.FunctionApp();

        Assert.AreEqual("allowedOrigins", BicepText.Path(app, "properties.siteConfig.cors.allowedOrigins"));
        Assert.AreEqual("join(allowedOrigins, ',')", Templates.AppSettings()["Cors__AllowedOrigins"]);
        var auth = api.ResourcesOfType("Microsoft.Web/sites/config").Single(r => BicepText.Value(r.Body, "name") == "'authsettingsV2'");
        StringAssert.Contains(auth.Text, "if (!empty(authClientId))");
        Assert.AreEqual("'Return401'", BicepText.Path(auth.Body, "properties.globalValidation.unauthenticatedClientAction"));
        Assert.AreEqual("authClientId", BicepText.Path(auth.Body, "properties.identityProviders.azureActiveDirectory.registration.clientId"));
        foreach (var name in new[] { "corsAllowedOrigins", "authClientId" })
        {
            Assert.IsTrue(Templates.ParametersFile().TryGetProperty(name, out _), $"{name} is not in main.parameters.json");
        }
    }

    [TestMethod]
    public void Azure_yaml_deploys_the_functions_project_to_the_app_tagged_with_its_service_name()
    {
        var yaml = File.ReadAllLines(Path.Combine(Repository.Root, "azure.yaml")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        var service = Regex.Match(string.Join('\n', yaml), @"^services:\n  (\w+):\n((?:    .*\n?)+)", RegexOptions.Multiline);
        Assert.IsTrue(service.Success, "azure.yaml has no service");
        var name = service.Groups[1].Value;
        var settings = service.Groups[2].Value;

        StringAssert.Contains(settings, "project: ./functions/");
        StringAssert.Contains(settings, "language: dotnet");
        StringAssert.Contains(settings, "host: function");
        Assert.IsTrue(File.Exists(Path.Combine(Repository.Root, "functions", "Shiming.Functions.csproj")));
        // azd finds the function app by the tag azd-service-name = the service's name.
        Assert.AreEqual("'api'", Templates.Api.Param("serviceName").Default);
        Assert.AreEqual("'azd-service-name': serviceName", BicepText.Entries(BicepText.FirstObject(BicepText.Value(Templates.FunctionApp(), "tags")!)).Select(e => $"'{e.Key}': {e.Value}").Single());
        Assert.AreEqual($"'{name}'", BicepText.Path(Templates.Main.Modules.Single(m => m.Name == "api").Body, "params.serviceName"));
    }

    [TestMethod]
    public void The_main_template_gives_azd_the_outputs_it_needs()
    {
        var outputs = Templates.Main.Outputs.Select(o => o.Name).ToList();

        CollectionAssert.IsSubsetOf(new[] { "AZURE_LOCATION", "AZURE_TENANT_ID", "SERVICE_API_NAME", "AZURE_FUNCTION_NAME" }, outputs);
        Assert.AreEqual("'subscription'", Templates.Main.Declarations.Single(d => d.Keyword == "targetScope").Text.Trim().TrimStart('=').Trim());
    }

    [TestMethod]
    public void Every_module_exists_and_gets_every_parameter_it_requires_and_no_other()
    {
        foreach (var file in BicepFile.All())
        {
            foreach (var module in file.Modules)
            {
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.Combine(Repository.Root, file.RelativePath))!, module.Target));
                Assert.IsTrue(File.Exists(path), $"{file.RelativePath}: module {module.Name} points at a missing {module.Target}");
                var target = BicepFile.Load(Path.GetRelativePath(Repository.Root, path));
                var given = BicepText.Entries(BicepText.Value(module.Body, "params")!).Select(e => e.Key).ToList();
                var declared = target.Params.Select(p => p.Name).ToList();

                CollectionAssert.IsSubsetOf(given, declared, $"{file.RelativePath}: module {module.Name} passes parameters {target.RelativePath} does not declare");
                CollectionAssert.IsSubsetOf(target.Params.Where(p => !p.HasDefault).Select(p => p.Name).ToList(), given, $"{file.RelativePath}: module {module.Name} leaves out a required parameter");
            }
        }
    }

    [TestMethod]
    public void The_parameters_file_names_only_parameters_of_the_main_template_and_every_required_one()
    {
        var declared = Templates.Main.Params.ToList();
        var given = Templates.ParametersFile().EnumerateObject().Select(p => p.Name).ToList();

        CollectionAssert.IsSubsetOf(given, declared.Select(p => p.Name).ToList());
        CollectionAssert.IsSubsetOf(declared.Where(p => !p.HasDefault).Select(p => p.Name).ToList(), given);
        foreach (var parameter in Templates.ParametersFile().EnumerateObject())
        {
            Assert.AreEqual(JsonValueKind.String, parameter.Value.GetProperty("value").ValueKind);
            Assert.MatchesRegex(new Regex(@"^\$\{[A-Z_]+(=[^}]*)?\}$"), parameter.Value.GetProperty("value").GetString()!, $"{parameter.Name} should come from the azd environment");
        }
    }
}
