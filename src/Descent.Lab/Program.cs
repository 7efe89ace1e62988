using TorchSharp;
System.Console.WriteLine(torch.ones(2).sum().item<float>());
