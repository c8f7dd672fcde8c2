// One click switches notification_type through the settings API.
const group = document.querySelector(".switch");
const status = document.getElementById("admin-status");

group?.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-value]");
  if (!button) return;
  const response = await fetch(group.dataset.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": group.dataset.csrf },
    body: JSON.stringify({ notification_type: button.dataset.value }),
  });
  const data = await response.json();
  if (!response.ok) {
    status.textContent = data.error ? data.error.message : "The switch failed.";
    return;
  }
  for (const other of group.querySelectorAll("button")) {
    other.setAttribute("aria-checked", String(other === button));
  }
  status.textContent = `Live: ${data.notification_type}`;
});
