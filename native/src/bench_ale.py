# Measures the real ALE (ale-py) on the same work as `qarcade bench emulator`: Pong, raw
# emulation at frameskip 1, random minimal actions each held 4 frames. Prints one JSON line.
import json, sys, time

import ale_py

rom, frames, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ale = ale_py.ALEInterface()
ale.setLoggerMode(ale_py.LoggerMode.Error)
ale.setInt("random_seed", seed)
ale.setFloat("repeat_action_probability", 0.0)
ale.setInt("frame_skip", 4)
ale.loadROM(rom)
actions = ale.getMinimalActionSet()
state = seed
done = 0
t0 = time.process_time()
while done < frames:
    state = (state * 1103515245 + 12345) % 2**31
    ale.act(actions[state % len(actions)])
    done += 4
    if ale.game_over():
        ale.reset_game()
t1 = time.process_time()
print(json.dumps({"frames": done, "cpu_seconds": t1 - t0, "version": ale_py.__version__}))
