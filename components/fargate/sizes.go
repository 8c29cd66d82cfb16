package fargate

import "slices"

// memoryRange is the memory (MiB) Fargate accepts for one CPU size: from min to
// max in steps of step.
type memoryRange struct{ min, max, step int }

// sizes are the CPU units / memory pairs Fargate accepts (Linux tasks). Any
// other pair is rejected by ECS at deploy time, so we refuse it up front.
var sizes = map[int]memoryRange{
	256:   {512, 2048, 0}, // 512, 1024, 2048: not a regular step
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// CPUs lists the CPU units Fargate accepts, ascending.
func CPUs() []int {
	out := make([]int, 0, len(sizes))
	for cpu := range sizes {
		out = append(out, cpu)
	}
	slices.Sort(out)
	return out
}

// ValidMemories lists the memory sizes (MiB) Fargate accepts with cpu units;
// nil when cpu itself is not a Fargate size.
func ValidMemories(cpu int) []int {
	r, ok := sizes[cpu]
	if !ok {
		return nil
	}
	if r.step == 0 {
		return []int{512, 1024, 2048}
	}
	var out []int
	for m := r.min; m <= r.max; m += r.step {
		out = append(out, m)
	}
	return out
}

// ValidSize reports whether Fargate accepts the cpu/memory pair.
func ValidSize(cpu, memory int) bool {
	return slices.Contains(ValidMemories(cpu), memory)
}
