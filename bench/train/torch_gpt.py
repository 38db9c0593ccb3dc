#!/usr/bin/env python3
"""PyTorch (CPU, float32) training speed of the same GPT as `curate train`, for bench/train.sh.

Same shape (layers, heads, width, context, vocabulary, batch), same blocks (pre-LayerNorm, causal
self-attention, 4x tanh-GELU MLP, output head tied to the token embedding, no dropout), AdamW with
curate's betas, weight decay and gradient clipping at 1.0, on random tokens (speed does not depend on
the data). Prints one JSON object: steps, tokens/s measured after warm-up steps, threads.

Usage: torch_gpt.py --layers 4 --heads 4 --width 128 --context 128 --vocab 4097 --batch 8 --steps 30 --threads 2
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.fcproj = nn.Linear(4 * width, width)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, c))
        return x + self.fcproj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, context, layers, heads, width):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.lnf = nn.LayerNorm(width)

    def forward(self, tokens, targets):
        t = tokens.shape[1]
        x = self.wte(tokens) + self.wpe(torch.arange(t))
        for block in self.blocks:
            x = block(x)
        logits = self.lnf(x) @ self.wte.weight.T
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def main():
    parser = argparse.ArgumentParser()
    for name, default in (("layers", 4), ("heads", 4), ("width", 128), ("context", 128), ("vocab", 4097), ("batch", 8),
                          ("steps", 30), ("warmup", 3), ("threads", 2)):
        parser.add_argument("--" + name, type=int, default=default)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = GPT(args.vocab, args.context, args.layers, args.heads, args.width)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                                  lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    tokens = torch.randint(0, args.vocab, (args.batch, args.context + 1))
    x, y = tokens[:, :-1], tokens[:, 1:]

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    started = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    seconds = time.perf_counter() - started
    print(json.dumps({"tool": f"pytorch {torch.__version__}", "threads": args.threads, "steps": args.steps,
                      "tokens_per_second": args.steps * args.batch * args.context / seconds,
                      "ms_per_step": 1000 * seconds / args.steps, "loss": loss,
                      "parameters": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()
