"""Live network sessions: schedule and run them, who may take part, chat, facilitation,
questions and polls, attendance, and the record kept with the group afterwards."""
