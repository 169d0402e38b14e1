global using Orleans;
global using Orleans.Runtime;
global using Platform.Silo;
global using Orleans.Storage;
