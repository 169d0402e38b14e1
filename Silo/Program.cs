using Microsoft.Extensions.Hosting;
using Platform.Silo.Hosting;

// A silo without HTTP: grains, storage and reminders only. The gateway co-hosts the same silo by default; a separate
// silo process is how a deployment grows past one machine (the cluster configuration comes with that).
var builder = Host.CreateApplicationBuilder(args);
builder.AddPlatformSilo();
await builder.Build().RunAsync();
